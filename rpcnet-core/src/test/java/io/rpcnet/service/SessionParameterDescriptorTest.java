package io.rpcnet.service;

import io.rpcnet.codec.JacksonCodec;
import io.rpcnet.session.RpcSession;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An {@link RpcSession} parameter is not part of the call shape: the other parameters decide it. */
class SessionParameterDescriptorTest {

    interface WithSession {
        long increment(RpcSession session);

        List<String> addFirst(RpcSession session, String item);

        List<String> addLast(String item, RpcSession session);

        CompletableFuture<String> async(String item, RpcSession session);

        void watch(Integer from, RpcSession session, StreamObserver<String> out);

        int sum(RpcSession session, Stream<Integer> values);

        StreamObserver<String> chat(StreamObserver<String> out, RpcSession session);

        String plain(String item);
    }

    interface TwoSessions {
        String both(RpcSession a, String item, RpcSession b);
    }

    interface SessionAndTwoRequests {
        String two(String a, RpcSession session, String b);
    }

    private final ServiceDescriptor d = ServiceDescriptor.of(WithSession.class, new JacksonCodec());

    @Test
    void everyShapeIsRecognisedWithTheSessionParameterAnywhere() {
        MethodDescriptor increment = d.method("WithSession/increment");
        assertThat(increment.type()).isEqualTo(MethodType.UNARY);
        assertThat(increment.hasRequest()).isFalse();
        assertThat(increment.sessionIndex()).isZero();
        assertThat(increment.takesSession()).isTrue();

        assertThat(d.method("WithSession/addFirst").type()).isEqualTo(MethodType.UNARY);
        assertThat(d.method("WithSession/addFirst").hasRequest()).isTrue();
        assertThat(d.method("WithSession/addFirst").sessionIndex()).isZero();
        assertThat(d.method("WithSession/addLast").sessionIndex()).isEqualTo(1);
        assertThat(d.method("WithSession/async").async()).isTrue();
        assertThat(d.method("WithSession/async").sessionIndex()).isEqualTo(1);

        assertThat(d.method("WithSession/watch").type()).isEqualTo(MethodType.SERVER_STREAMING);
        assertThat(d.method("WithSession/watch").sessionIndex()).isEqualTo(1);
        assertThat(d.method("WithSession/sum").type()).isEqualTo(MethodType.CLIENT_STREAMING);
        assertThat(d.method("WithSession/sum").sessionIndex()).isZero();
        assertThat(d.method("WithSession/chat").type()).isEqualTo(MethodType.BIDI_STREAMING);
        assertThat(d.method("WithSession/chat").sessionIndex()).isEqualTo(1);

        assertThat(d.method("WithSession/plain").sessionIndex()).isEqualTo(-1);
        assertThat(d.method("WithSession/plain").takesSession()).isFalse();
    }

    @Test
    void theSessionArgumentIsTakenOutOfAndPutBackIntoTheArguments() {
        MethodDescriptor watch = d.method("WithSession/watch");
        Object out = new Object();
        assertThat(watch.callArguments(new Object[]{7, "ignored", out})).containsExactly(7, out);
        assertThat(watch.javaArguments(new Object[]{7, out}, null)).containsExactly(7, null, out);
        MethodDescriptor increment = d.method("WithSession/increment");
        assertThat(increment.callArguments(new Object[]{null})).isEmpty();
        assertThat(increment.javaArguments(new Object[0], null)).containsExactly((Object) null);
        Object[] plain = {"x"};
        assertThat(d.method("WithSession/plain").callArguments(plain)).isSameAs(plain);
        assertThat(d.method("WithSession/plain").javaArguments(plain, null)).isSameAs(plain);
    }

    @Test
    void twoSessionParametersOrTwoRequestsAreRefusedWithTheMethodNamed() {
        assertThatThrownBy(() -> ServiceDescriptor.of(TwoSessions.class, new JacksonCodec()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both").hasMessageContaining("at most one RpcSession parameter");
        assertThatThrownBy(() -> ServiceDescriptor.of(SessionAndTwoRequests.class, new JacksonCodec()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two").hasMessageContaining("unsupported RPC signature");
    }
}
