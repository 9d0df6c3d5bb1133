package io.rpcnet.samples.client;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample client: runs {@link CartCaller} against the director's gateway and exits with its verdict
 * (0 = every call answered and the cart intact).
 */
@SpringBootApplication
public class SampleClientApplication {

    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(SampleClientApplication.class, args)));
    }
}
