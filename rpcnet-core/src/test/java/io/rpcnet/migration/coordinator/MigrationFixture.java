package io.rpcnet.migration.coordinator;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.director.RoutingTable;
import io.rpcnet.migration.crypto.EncryptionService;
import io.rpcnet.migration.crypto.KeyRing;
import io.rpcnet.migration.crypto.MigrationKey;
import io.rpcnet.migration.participant.MigrationParticipant;
import io.rpcnet.migration.serialization.SerializationConfig;
import io.rpcnet.migration.serialization.SerializationService;
import io.rpcnet.migration.snapshot.StateHandlers;
import io.rpcnet.migration.token.MigrationTokenManager;
import io.rpcnet.migration.token.TokenConfig;
import io.rpcnet.migration.transfer.SnapshotTransfer;
import io.rpcnet.migration.wire.MigrationProtocol;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.server.CallContext;
import io.rpcnet.server.RpcServer;
import io.rpcnet.service.RpcName;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionManager;
import io.rpcnet.session.SessionTrailers;
import io.rpcnet.testing.TestTls;
import io.rpcnet.transport.TransportSettings;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A director (registry, gateway, migration coordinator) and workers {@code w1}, {@code w2}, ... each serving
 * {@link Counter} with sessions and the {@code RpcNetMigration} participant, all over real QUIC + TLS on
 * 127.0.0.1; a client connected to the director. Workers share the migration keys, as a cluster does.
 */
final class MigrationFixture implements AutoCloseable {

    /** A stateful service: a per-session counter and an optional payload. */
    @RpcName("Counter")
    public interface Counter {
        /** Opens a session with {@code payloadBytes} of state; returns its id. */
        String open(int payloadBytes);

        /** Increments the session's counter; returns it. */
        long increment();

        /** The session's counter without changing it. */
        long read();

        /** The worker serving the call. */
        String worker();

        /** Increments the counter once the fixture's gate opens (a long call in flight), at most after 30 s. */
        long gatedIncrement();

        /**
         * Streams {@code "<worker>:<n>"} for n = 1, 2, ... every 5 ms, {@code count} of them ({@code <= 0}: until
         * cancelled), in the caller's session.
         */
        void ticks(int count, StreamObserver<String> out);

        /** Streams {@code "<worker>:1"}, waits for the fixture's stream gate (at most 30 s), streams up to {@code count}. */
        void gatedTicks(int count, StreamObserver<String> out);
    }

    static final class CounterImpl implements Counter {
        private final SessionManager sessions;

        private final CountDownLatch gate;
        private final CountDownLatch streamGate;

        CounterImpl(SessionManager sessions, CountDownLatch gate, CountDownLatch streamGate) {
            this.sessions = sessions;
            this.gate = gate;
            this.streamGate = streamGate;
        }

        @Override
        public String open(int payloadBytes) {
            RpcSession s = sessions.create();
            s.put("counter", 0L);
            if (payloadBytes > 0) {
                byte[] payload = new byte[payloadBytes];
                new Random(payloadBytes).nextBytes(payload);
                s.put("payload", payload);
            }
            return s.id();
        }

        @Override
        public long increment() {
            RpcSession s = RpcSession.require();
            synchronized (s) { // concurrent calls of one session must not lose increments
                long next = s.getOrDefault("counter", Long.class, 0L) + 1;
                s.put("counter", next);
                return next;
            }
        }

        @Override
        public long read() {
            return RpcSession.require().getOrDefault("counter", Long.class, 0L);
        }

        @Override
        public String worker() {
            return sessions.workerId();
        }

        @Override
        public long gatedIncrement() {
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted at the gate");
            }
            return increment();
        }

        @Override
        public void ticks(int count, StreamObserver<String> out) {
            CountDownLatch cancelled = new CountDownLatch(1);
            CallContext.current().onCancel(cancelled::countDown);
            try {
                for (int n = 1; count <= 0 || n <= count; n++) {
                    out.onNext(sessions.workerId() + ":" + n);
                    if (cancelled.await(5, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
                out.onCompleted();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RpcException cancelledWhileSending) {
                // the call ended (the director interrupted it, or the client went away)
            }
        }

        @Override
        public void gatedTicks(int count, StreamObserver<String> out) {
            out.onNext(sessions.workerId() + ":1");
            try {
                if (!streamGate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the stream gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted at the stream gate");
            }
            for (int n = 2; n <= count; n++) {
                out.onNext(sessions.workerId() + ":" + n);
            }
            out.onCompleted();
        }
    }

    /** One worker: its sessions, participant and server. */
    static final class Worker {
        final MemberId id;
        final SessionManager sessions;
        final MigrationParticipant participant;
        final RpcServer server;

        Worker(MemberId id, SessionManager sessions, MigrationParticipant participant, RpcServer server) {
            this.id = id;
            this.sessions = sessions;
            this.participant = participant;
            this.server = server;
        }
    }

    final KeyRing encryptionKeys = KeyRing.of(MigrationKey.generate("enc-1", new SecureRandom()));
    final KeyRing tokenKeys = KeyRing.of(MigrationKey.generate("tok-1", new SecureRandom()));
    final WorkerRegistry registry = new WorkerRegistry();
    final RoutingTable routes = new RoutingTable();
    final Map<MemberId, Worker> workers = new LinkedHashMap<>();
    final DirectorGateway gateway;
    final MigrationCoordinator coordinator;
    final RpcClient client;
    final AtomicReference<String> announced = new AtomicReference<>();
    /** Holds {@link Counter#gatedIncrement()} calls until the test counts it down. */
    final CountDownLatch gate = new CountDownLatch(1);
    /** Holds {@link Counter#gatedTicks} streams after their first message until the test counts it down. */
    final CountDownLatch streamGate = new CountDownLatch(1);
    /** Applied to every base-copy batch a worker receives (fault injection: corrupt state in transit). */
    volatile UnaryOperator<MigrationProtocol.BaseImport> importTamper = UnaryOperator.identity();
    private final SerializationService serialization = new SerializationService(SerializationConfig.defaults());

    MigrationFixture(int workerCount, MigrationSettings settings) {
        this(workerCount, settings, StateHandlers.none());
    }

    MigrationFixture(int workerCount, MigrationSettings settings, StateHandlers handlers) {
        this(workerCount, settings, handlers, null);
    }

    /** As above; {@code coordinatorTokenKeys} non-null: the director signs tokens with keys workers do not know. */
    MigrationFixture(int workerCount, MigrationSettings settings, StateHandlers handlers, KeyRing coordinatorTokenKeys) {
        this(workerCount, settings, id -> handlers, coordinatorTokenKeys);
    }

    /** Workers with handlers of their own ({@code handlers} is asked once per worker id). */
    MigrationFixture(int workerCount, MigrationSettings settings,
                     Function<MemberId, StateHandlers> handlers, KeyRing coordinatorTokenKeys) {
        for (int i = 1; i <= workerCount; i++) {
            MemberId id = MemberId.of("w" + i);
            addWorker(id, handlers.apply(id));
        }
        gateway = DirectorGateway.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(TestTls.server())
                .workerTls(TestTls.client())
                .workerSettings(TransportSettings.builder().handshakeTimeout(Duration.ofSeconds(1)).build())
                .registry(registry)
                .routingTable(routes)
                .build().start();
        coordinator = MigrationCoordinator.builder()
                .gateway(gateway)
                .tokens(coordinatorTokenKeys == null ? tokens() : tokens(coordinatorTokenKeys))
                .workerTls(TestTls.client())
                .workerSettings(TransportSettings.builder().handshakeTimeout(Duration.ofSeconds(1)).build())
                .settings(settings)
                .build();
        client = RpcClient.builder().target("localhost", gateway.port()).tls(TestTls.client())
                .interceptor(call -> call.onClose(status -> SessionTrailers.sessionId(call.trailers())
                        .ifPresent(announced::set)))
                .build();
    }

    Worker addWorker(MemberId id, StateHandlers handlers) {
        SessionManager sessions = SessionManager.builder(id.value()).build();
        MigrationParticipant participant = MigrationParticipant.builder()
                .sessions(sessions)
                .handlers(handlers)
                .transfer(new SnapshotTransfer(serialization, new EncryptionService(encryptionKeys)))
                .tokens(tokens())
                .build();
        RpcServer server = RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(TestTls.server())
                .shutdownGracePeriod(Duration.ofMillis(200))
                .addService(Counter.class, new CounterImpl(sessions, gate, streamGate))
                .addService(MigrationProtocol.class, new TamperingProtocol(participant, this))
                .sessions(sessions)
                .build().start();
        Worker w = new Worker(id, sessions, participant, server);
        workers.put(id, w);
        registry.upsert(MemberUpdate.builder(id, "127.0.0.1:" + server.port()).tags(Map.of("role", "worker")).build(),
                System.nanoTime());
        return w;
    }

    /** A token manager of its own (each node has its own replay guard), on the shared keys. */
    MigrationTokenManager tokens() {
        return tokens(tokenKeys);
    }

    private static MigrationTokenManager tokens(KeyRing keys) {
        return new MigrationTokenManager(keys, TokenConfig.builder().ratePerSecond(10_000).burst(20_000)
                .build(), Clock.systemUTC(), new SecureRandom());
    }

    Worker worker(MemberId id) {
        return workers.get(id);
    }

    Counter counter(String sessionId) {
        CallOptions o = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
        return client.proxy(Counter.class, sessionId == null ? o : o.withSessionId(sessionId));
    }

    /** Opens a session through the director; returns its id (as announced in the trailers). */
    String open(int payloadBytes) {
        String id = counter(null).open(payloadBytes);
        if (!id.equals(announced.get())) {
            throw new AssertionError("announced " + announced.get() + ", returned " + id);
        }
        return id;
    }

    MemberId owner(String sessionId) {
        return routes.route(sessionId).orElseThrow().owner();
    }

    static MemberId other(MemberId id) {
        return id.value().equals("w1") ? MemberId.of("w2") : MemberId.of("w1");
    }

    @Override
    public void close() {
        client.close();
        coordinator.close();
        gateway.close();
        workers.values().forEach(w -> w.server.close());
        serialization.close();
    }
}
