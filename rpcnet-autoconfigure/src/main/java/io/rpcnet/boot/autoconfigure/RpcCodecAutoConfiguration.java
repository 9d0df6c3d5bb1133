package io.rpcnet.boot.autoconfigure;

import io.rpcnet.codec.JacksonCodec;
import io.rpcnet.codec.RpcCodec;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/**
 * The payload codec shared by the RpcNet server and clients: JSON through the application's
 * {@link JsonMapper} (so its modules and settings apply), or a fresh one.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(RpcCodec.class)
public final class RpcCodecAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RpcCodec rpcCodec(ObjectProvider<JsonMapper> jsonMapper) {
        return new JacksonCodec(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
    }
}
