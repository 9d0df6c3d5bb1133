package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.membership.MembershipCluster.Director;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.TestTls;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.ServerTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.KeyManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.rpcnet.cluster.membership.MembershipCluster.SECRET;
import static io.rpcnet.cluster.membership.MembershipCluster.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Who may join, over real QUIC + TLS on 127.0.0.1: a worker must prove the cluster secret (one without it,
 * or with a wrong one, is refused as UNAUTHENTICATED and never registered, however often it retries), or,
 * with mutual TLS, present a client certificate of the cluster's CA instead.
 */
@Timeout(60)
class JoinAuthenticationTest {

    private final MembershipCluster cluster = new MembershipCluster();

    @AfterEach
    void closeAll() {
        cluster.close();
    }

    @Test
    void workersWithoutTheSecretAreRefusedAndNeverRegistered() {
        Director director = cluster.director(DirectorMembership.builder().secret(SECRET), TestTls.server());
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        director.membership().subscribe(events::add);

        WorkerMembershipAgent wrong = cluster.agent("intruder", director, "another-secret-that-is-long-enough-0123",
                TestTls.client());
        WorkerMembershipAgent none = cluster.agent("anonymous", director, null, TestTls.client());

        for (WorkerMembershipAgent agent : List.of(wrong, none)) {
            assertThatThrownBy(() -> agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(RpcException.class, e ->
                            assertThat(e.code()).isEqualTo(StatusCode.UNAUTHENTICATED));
        }
        assertThat(exceptionOf(wrong)).hasMessageContaining("join of 'intruder' refused: the proof does not match");
        assertThat(exceptionOf(none)).hasMessageContaining("join of 'anonymous' refused: no proof of the cluster secret");
        assertThat(wrong.isJoined()).isFalse();
        assertThat(wrong.members()).isEmpty();

        // they keep trying (short backoff here) and keep being refused; nothing ever reaches the registry
        long refused = director.membership().refusedJoins();
        await().during(Duration.ofMillis(1_200)).atMost(Duration.ofSeconds(3))
                .until(() -> director.membership().members().isEmpty() && events.isEmpty());
        assertThat(director.membership().refusedJoins()).isGreaterThan(refused);
    }

    @Test
    void withMutualTlsWorkersJoinWithoutASecret() throws Exception {
        assertThatThrownBy(() -> DirectorMembership.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cluster secret").hasMessageContaining("mutual TLS");
        assertThatThrownBy(() -> DirectorMembership.builder().secret("too-short-secret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32 bytes")
                .hasMessageNotContaining("too-short-secret");

        ServerTls mtls = TestTls.server().requireClientCertificates(ClientTls.Trust.pem(TestTls.file("ca.pem")));
        Director director = cluster.director(DirectorMembership.builder().mutualTls(mtls.requiresClientCertificates()),
                mtls);
        WorkerMembershipAgent agent = cluster.agent("certified", director, null,
                TestTls.client().withIdentity(identity()));
        agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(member(director, "certified").status()).isEqualTo(MemberStatus.ALIVE);
        agent.leave().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(member(director, "certified").status()).isEqualTo(MemberStatus.LEFT);
    }

    private static Throwable exceptionOf(WorkerMembershipAgent agent) {
        CompletableFuture<Void> f = agent.join().toCompletableFuture();
        try {
            f.get(1, TimeUnit.SECONDS);
            throw new AssertionError("join of " + agent.localMember() + " succeeded");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The test leaf (serverAuth + clientAuth) as a client identity. */
    private static KeyManagerFactory identity() throws Exception {
        List<Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(TestTls.file("server.pem"))) {
            chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        String pem = Files.readString(TestTls.file("server.key"), StandardCharsets.US_ASCII);
        byte[] der = Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        char[] password = "test".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        return kmf;
    }
}
