package io.rpcnet.benchmarks.migration;

import io.rpcnet.benchmarks.Echo;
import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.director.RoutingTable;
import io.rpcnet.migration.coordinator.MigrationCoordinator;
import io.rpcnet.migration.coordinator.MigrationSettings;
import io.rpcnet.migration.crypto.EncryptionService;
import io.rpcnet.migration.crypto.KeyRing;
import io.rpcnet.migration.crypto.MigrationKey;
import io.rpcnet.migration.participant.MigrationParticipant;
import io.rpcnet.migration.serialization.SerializationConfig;
import io.rpcnet.migration.serialization.SerializationService;
import io.rpcnet.migration.token.MigrationTokenManager;
import io.rpcnet.migration.token.TokenConfig;
import io.rpcnet.migration.transfer.SnapshotTransfer;
import io.rpcnet.migration.wire.MigrationProtocol;
import io.rpcnet.server.RpcServer;
import io.rpcnet.service.RpcName;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionManager;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.ServerTls;
import io.rpcnet.transport.TransportSettings;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * A director (registry, routing table, gateway, migration coordinator) and two workers {@code w1}, {@code w2},
 * each an {@link RpcServer} serving {@link Counter} with sessions, {@link Echo}, and the
 * {@code RpcNetMigration} participant, all over QUIC + TLS on 127.0.0.1 in this JVM; a client connected to the
 * director. Workers share the migration keys, as a cluster does. Assembled as rpcnet-core's
 * {@code MigrationFixture} test fixture does; the workers' migration service is wrapped in a
 * {@link CutOverProbe} that times the cut-over steps.
 */
public final class LiveCluster implements AutoCloseable {

    public static final MemberId W1 = MemberId.of("w1");
    public static final MemberId W2 = MemberId.of("w2");

    /** A stateful service: a per-session counter next to a state payload. */
    @RpcName("Counter")
    public interface Counter {
        /** Opens a session with {@code payloadBytes} of state (half random, half repeated); returns its id. */
        String open(int payloadBytes);

        /** Increments the session's counter; returns it. */
        long increment();
    }

    static final class CounterImpl implements Counter {
        private final SessionManager sessions;

        CounterImpl(SessionManager sessions) {
            this.sessions = sessions;
        }

        @Override
        public String open(int payloadBytes) {
            RpcSession s = sessions.create();
            s.put("counter", 0L);
            s.put("payload", payload(payloadBytes, s.id().hashCode()));
            return s.id();
        }

        @Override
        public long increment() {
            RpcSession s = RpcSession.require();
            synchronized (s) {
                long next = s.getOrDefault("counter", Long.class, 0L) + 1;
                s.put("counter", next);
                return next;
            }
        }
    }

    /** {@code size} bytes: the first half random, the second half a repeated 64-byte pattern. */
    static byte[] payload(int size, long seed) {
        byte[] b = new byte[size];
        Random random = new Random(seed);
        int half = size / 2;
        byte[] head = new byte[half];
        random.nextBytes(head);
        System.arraycopy(head, 0, b, 0, half);
        for (int i = half; i < size; i++) {
            b[i] = head[(i - half) % Math.min(64, Math.max(1, half))];
        }
        return b;
    }

    /** One worker: its sessions and server. */
    public record Worker(MemberId id, SessionManager sessions, RpcServer server) {
    }

    public final WorkerRegistry registry = new WorkerRegistry();
    public final RoutingTable routes = new RoutingTable();
    public final Map<MemberId, Worker> workers = new LinkedHashMap<>();
    public final DirectorGateway gateway;
    public final RpcClient client;
    public final CutOverProbe probe = new CutOverProbe();
    private final KeyRing encryptionKeys = KeyRing.of(MigrationKey.generate("enc-1", new SecureRandom()));
    private final KeyRing tokenKeys = KeyRing.of(MigrationKey.generate("tok-1", new SecureRandom()));
    private final SerializationService serialization = new SerializationService(SerializationConfig.defaults());
    private final ServerTls serverTls;
    private final ClientTls clientTls;
    private final List<MigrationCoordinator> coordinators = new ArrayList<>();

    public LiveCluster(ServerTls serverTls, ClientTls clientTls) {
        this.serverTls = serverTls;
        this.clientTls = clientTls;
        addWorker(W1);
        addWorker(W2);
        gateway = DirectorGateway.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(serverTls)
                .workerTls(clientTls)
                .registry(registry)
                .routingTable(routes)
                .build().start();
        client = RpcClient.builder().target("localhost", gateway.port()).tls(clientTls).build();
    }

    private void addWorker(MemberId id) {
        SessionManager sessions = SessionManager.builder(id.value()).build();
        MigrationParticipant participant = MigrationParticipant.builder()
                .sessions(sessions)
                .transfer(new SnapshotTransfer(serialization, new EncryptionService(encryptionKeys)))
                .tokens(tokens())
                .build();
        Echo echo = CompletableFuture::completedFuture;
        RpcServer server = RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(serverTls)
                .shutdownGracePeriod(Duration.ofMillis(200))
                .addService(Counter.class, new CounterImpl(sessions))
                .addService(Echo.class, echo)
                .addService(MigrationProtocol.class, probe.wrap(participant))
                .sessions(sessions)
                .build().start();
        workers.put(id, new Worker(id, sessions, server));
        registry.upsert(MemberUpdate.builder(id, "127.0.0.1:" + server.port()).tags(Map.of("role", "worker")).build(),
                System.nanoTime());
    }

    /**
     * A coordinator on this director's gateway with {@code settings}; the probe listens to its migrations.
     * Closed with the cluster; use one at a time.
     */
    public MigrationCoordinator coordinator(MigrationSettings settings) {
        MigrationCoordinator c = MigrationCoordinator.builder()
                .gateway(gateway)
                .tokens(tokens())
                .workerTls(clientTls)
                .workerSettings(TransportSettings.builder().handshakeTimeout(Duration.ofSeconds(1)).build())
                .settings(settings)
                .build();
        c.addStateListener(probe.listener(gateway));
        coordinators.add(c);
        return c;
    }

    /** A token manager of its own (each node has its own replay guard), on the shared keys; high rate limits. */
    private MigrationTokenManager tokens() {
        return new MigrationTokenManager(tokenKeys, TokenConfig.builder().ratePerSecond(100_000).burst(200_000)
                .build(), Clock.systemUTC(), new SecureRandom());
    }

    /** A client connected straight to {@code worker} (close it). */
    public RpcClient directClient(MemberId worker) {
        return RpcClient.builder().target("localhost", workers.get(worker).server().port()).tls(clientTls).build();
    }

    /** The counter of one session, through the director. */
    public Counter counter(String sessionId) {
        CallOptions o = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
        return client.proxy(Counter.class, sessionId == null ? o : o.withSessionId(sessionId));
    }

    /** Opens {@code n} sessions of {@code payloadBytes} through the director, all on {@code on} (others cordoned). */
    public List<String> open(int n, int payloadBytes, MemberId on) {
        List<MemberId> others = workers.keySet().stream().filter(id -> !id.equals(on)).toList();
        others.forEach(registry::cordon);
        try {
            Counter opener = counter(null);
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(opener.open(payloadBytes));
            }
            return ids;
        } finally {
            others.forEach(registry::uncordon);
        }
    }

    public MemberId owner(String sessionId) {
        return routes.route(sessionId).orElseThrow().owner();
    }

    public static MemberId other(MemberId id) {
        return id.equals(W1) ? W2 : W1;
    }

    @Override
    public void close() {
        client.close();
        coordinators.forEach(MigrationCoordinator::close);
        gateway.close();
        workers.values().forEach(w -> w.server().close());
        serialization.close();
    }
}
