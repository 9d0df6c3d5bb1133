package io.rpcnet.boot.migration;

import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.MigrationStateHandler;
import org.springframework.context.annotation.Bean;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker's state handler a test steers: capturing a {@linkplain #hold held} session waits until it is
 * {@linkplain #release released} (holding its migration in BASE_COPY), capturing a {@linkplain #failOn failing}
 * one throws (its migration fails and rolls back). Every other session captures a few bytes.
 */
final class ControlledStateHandler implements MigrationStateHandler {

    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private volatile String held;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** Registers the handler as a bean (pass this class as a source of a worker's context). */
    static final class Beans {
        @Bean
        ControlledStateHandler controlledStateHandler() {
            return new ControlledStateHandler();
        }
    }

    @Override
    public String name() {
        return "probe";
    }

    @Override
    public byte[] capture(String sessionId) {
        if (failing.contains(sessionId)) {
            throw new IllegalStateException("capture refused by the test");
        }
        if (sessionId.equals(held)) {
            try {
                gate.await(60, TimeUnit.SECONDS); // bounded: a forgotten release cannot hang the build
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ("probe:" + sessionId).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void restore(String sessionId, Bytes state) {
    }

    /** Holds the next capture of {@code sessionId} until {@link #release()}. */
    void hold(String sessionId) {
        gate = new CountDownLatch(1);
        held = sessionId;
    }

    void release() {
        held = null;
        gate.countDown();
    }

    /** Makes every capture of {@code sessionId} fail. */
    void failOn(String sessionId) {
        failing.add(sessionId);
    }

    void reset() {
        failing.clear();
        release();
    }
}
