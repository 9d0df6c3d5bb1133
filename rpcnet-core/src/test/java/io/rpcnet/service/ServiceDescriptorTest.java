package io.rpcnet.service;

import io.rpcnet.codec.JacksonCodec;
import io.rpcnet.testing.EchoService;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceDescriptorTest {

    interface Overloaded {
        String a(String x);

        String a(Integer x);
    }

    interface TooManyParameters {
        String a(String x, String y);
    }

    @RpcName("Renamed")
    interface WithNames {
        @RpcName("go")
        CompletableFuture<String> run(String job);

        @Blocking
        CompletableFuture<String> slow(String job);

        default String helper() {
            return "not an rpc";
        }
    }

    @Test
    void everyShapeIsRecognisedFromTheSignature() {
        ServiceDescriptor d = ServiceDescriptor.of(EchoService.class, new JacksonCodec());
        assertThat(d.name()).isEqualTo("EchoService");
        assertThat(d.method("EchoService/echo").type()).isEqualTo(MethodType.UNARY);
        assertThat(d.method("EchoService/echoAsync").async()).isTrue();
        assertThat(d.method("EchoService/ping").hasRequest()).isFalse();
        assertThat(d.method("EchoService/count").type()).isEqualTo(MethodType.SERVER_STREAMING);
        assertThat(d.method("EchoService/sum").type()).isEqualTo(MethodType.CLIENT_STREAMING);
        assertThat(d.method("EchoService/chat").type()).isEqualTo(MethodType.BIDI_STREAMING);
    }

    @Test
    void namesCanBeOverriddenAndDefaultMethodsAreNotRpcs() {
        ServiceDescriptor d = ServiceDescriptor.of(WithNames.class, new JacksonCodec());
        assertThat(d.methods()).extracting(MethodDescriptor::fullName)
                .containsExactlyInAnyOrder("Renamed/go", "Renamed/slow");
        assertThat(d.method("Renamed/go").nonBlocking()).isTrue();
        assertThat(d.method("Renamed/slow").nonBlocking()).isFalse();
    }

    @Test
    void badSignaturesFailAtRegistrationWithTheMethodNamed() {
        assertThatThrownBy(() -> ServiceDescriptor.of(Overloaded.class, new JacksonCodec()))
                .hasMessageContaining("overloaded RPC method Overloaded/a");
        assertThatThrownBy(() -> ServiceDescriptor.of(TooManyParameters.class, new JacksonCodec()))
                .hasMessageContaining("unsupported RPC signature").hasMessageContaining("a(java.lang.String,java.lang.String)");
        assertThatThrownBy(() -> ServiceDescriptor.of(List.class, new JacksonCodec()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
