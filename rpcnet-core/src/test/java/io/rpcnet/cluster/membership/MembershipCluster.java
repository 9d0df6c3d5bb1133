package io.rpcnet.cluster.membership;

import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEvent.Type;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.server.RpcServer;
import io.rpcnet.server.ServerInterceptor;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoServiceImpl;
import io.rpcnet.testing.TestTls;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.ServerTls;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The embedded membership over real QUIC + TLS on 127.0.0.1, as the membership network tests start it:
 * directors (an RpcServer serving {@link DirectorMembership}) and workers (a real RpcServer with
 * {@link EchoService} and a {@link WorkerMembershipAgent}). Everything started here, or handed to
 * {@link #closeAtEnd}, is closed newest first by {@link #close()}.
 */
final class MembershipCluster implements AutoCloseable {

    static final String SECRET = "test-cluster-secret-0123456789abcdef";
    static final Duration HEARTBEAT = Duration.ofMillis(500);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** A director: its server and the membership it serves. */
    record Director(RpcServer server, DirectorMembership membership) implements AutoCloseable {
        String seed() {
            return "localhost:" + server.port();
        }

        @Override
        public void close() {
            membership.close();
            server.close();
        }
    }

    /** A worker: its own server, advertised to the director by its agent. */
    final class Worker {
        final RpcServer server;
        final WorkerMembershipAgent agent;

        private Worker(String id, Map<String, String> tags, Director director, String secret, Supplier<MemberLoad> load,
                       long incarnation) {
            this.server = echoServer();
            WorkerMembershipAgent.Builder b = WorkerMembershipAgent.builder().memberId(id)
                    .advertisedAddress(address()).tags(tags).seed(director.seed()).tls(TestTls.client())
                    .heartbeatInterval(HEARTBEAT).load(load != null ? load : WorkerMembershipAgent.inFlightCallsOf(server));
            if (secret != null) {
                b.secret(secret);
            }
            if (incarnation >= 0) {
                b.incarnation(incarnation);
            }
            this.agent = b.build();
            toClose.add(agent);
        }

        String address() {
            return "localhost:" + server.port();
        }

        void crash() {
            agent.closeAbruptly();
            server.shutdown(Duration.ZERO);
        }

        void stop() throws Exception {
            agent.leave().toCompletableFuture().get(5, TimeUnit.SECONDS);
            agent.close();
            server.close();
        }
    }

    Director director(DirectorMembership.Builder builder, ServerTls tls) {
        return director(builder, tls, 0);
    }

    Director director(DirectorMembership.Builder builder, ServerTls tls, int port, ServerInterceptor... interceptors) {
        DirectorMembership membership = builder.build().start();
        RpcServer.Builder server = RpcServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", port)).tls(tls)
                .shutdownGracePeriod(Duration.ofMillis(200)).addService(MembershipService.class, membership);
        for (ServerInterceptor i : interceptors) {
            server.interceptor(i);
        }
        return closeAtEnd(new Director(server.build().start(), membership));
    }

    Worker worker(String id, Map<String, String> tags, Director director, String secret, Supplier<MemberLoad> load) {
        return new Worker(id, tags, director, secret, load, -1);
    }

    Worker worker(String id, Map<String, String> tags, Director director, String secret, Supplier<MemberLoad> load,
                  long incarnation) {
        return new Worker(id, tags, director, secret, load, incarnation);
    }

    /** An agent for a worker without a server of its own (it advertises {@code 127.0.0.1:9}), quick to retry. */
    WorkerMembershipAgent agent(String id, Director director, String secret, ClientTls tls) {
        WorkerMembershipAgent.Builder b = WorkerMembershipAgent.builder().memberId(id).advertisedAddress("127.0.0.1:9")
                .seed(director.seed()).tls(tls).maxBackoff(Duration.ofMillis(300));
        if (secret != null) {
            b.secret(secret);
        }
        return closeAtEnd(b.build());
    }

    /** A started server with {@link EchoService} on 127.0.0.1, as a worker has. */
    RpcServer echoServer() {
        return closeAtEnd(RpcServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0)).tls(TestTls.server())
                .shutdownGracePeriod(Duration.ofMillis(200)).addService(EchoService.class, new EchoServiceImpl())
                .build().start());
    }

    /** A client for the echo server at {@code address} ({@code host:port}). */
    EchoService call(String address) {
        int colon = address.lastIndexOf(':');
        RpcClient client = RpcClient.builder().target(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))).tls(TestTls.client())
                .defaultTimeout(Duration.ofSeconds(5)).build();
        return closeAtEnd(client).proxy(EchoService.class);
    }

    /** Closes {@code closeable} with the rest of the cluster; returns it. */
    <T extends AutoCloseable> T closeAtEnd(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    static Member member(Director director, String id) {
        return director.membership().member(MemberId.of(id)).orElseThrow(() -> new AssertionError("no member " + id));
    }

    static List<Type> typesOf(List<ClusterEvent> events, String id) {
        return events.stream().filter(e -> e.member() != null && e.member().id().value().equals(id))
                .map(ClusterEvent::type).toList();
    }

    @Override
    public void close() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                // best effort
            }
        }
    }
}
