package io.rpcnet.boot.cluster;

import io.rpcnet.boot.annotation.RpcService;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** One application started as a director or as workers, by properties. */
@SpringBootApplication
public class ClusterApp {

    @Bean
    @RpcService
    WhoAmI whoAmI(@Value("${rpcnet.cluster.member-id:director}") String id) {
        return () -> id;
    }
}
