package io.rpcnet.samples.client;

import io.rpcnet.boot.autoconfigure.client.RpcClients;
import io.rpcnet.client.RpcProxies;
import io.rpcnet.service.StreamObserver;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens one cart session through the injected {@link Cart} proxy, then adds an item every
 * {@code sample.client.interval} until {@code sample.client.duration} has passed, {@code sample.client.calls}
 * calls were made or the file {@code sample.client.stop-file} exists. It prints one line per call (answering
 * worker, cart size, latency), checks every call that the cart holds exactly the items added so far (and, every
 * tenth call, streams the latest items back), and ends with a {@code SUMMARY} line. The exit code is non-zero
 * when a call failed or the cart lost state.
 */
@Component
public class CartCaller implements ApplicationRunner, ExitCodeGenerator {

    private static final String TARGET = "cart";

    private final Cart cart;
    private final RpcClients clients;
    private final Duration duration;
    private final Duration interval;
    private final int maxCalls;
    private final String stopFile;
    private final CallStats stats = new CallStats();

    public CartCaller(Cart cart, RpcClients clients,
                      @Value("${sample.client.duration:30s}") Duration duration,
                      @Value("${sample.client.interval:150ms}") Duration interval,
                      @Value("${sample.client.calls:0}") int maxCalls,
                      @Value("${sample.client.stop-file:}") String stopFile) {
        this.cart = cart;
        this.clients = clients;
        this.duration = duration;
        this.interval = interval;
        this.maxCalls = maxCalls;
        this.stopFile = stopFile;
    }

    @Override
    public void run(ApplicationArguments args) throws InterruptedException {
        CartView opened = cart.open(); // no session yet: the director picks a worker, which opens one
        String sessionId = opened.sessionId();
        print("session %s opened on %s", sessionId, opened.worker());
        // the injected proxy is shared and has no session: a copy bound to this one (same client and deadline)
        Cart session = RpcProxies.withSession(cart, sessionId);
        long end = System.nanoTime() + duration.toNanos();
        int added = 0;
        while (System.nanoTime() < end && (maxCalls <= 0 || stats.calls() < maxCalls) && !stopRequested()) {
            int n = stats.calls() + 1;
            long start = System.nanoTime();
            try {
                CartView view = session.add("item-" + n);
                double millis = (System.nanoTime() - start) / 1e6;
                added++;
                stats.success(view.worker(), view.items(), added);
                print("call #%d worker=%s items=%d latency=%.1fms", n, view.worker(), view.items(), millis);
                if (n % 10 == 0) {
                    checkStream(session, "item-" + n);
                }
            } catch (RuntimeException e) {
                stats.failure(e.toString());
                added = Math.max(added, probe(session)); // the failed add may or may not have run
                print("call #%d FAILED: %s", n, e);
            }
            Thread.sleep(interval.toMillis());
        }
        stats.problems().forEach(p -> print("problem: %s", p));
        long reconnects = Math.max(0, clients.client(TARGET).connectionsOpened() - 1);
        print("%s", stats.summary(reconnects, sessionId));
    }

    private void checkStream(Cart session, String expectedLast) {
        List<String> received = new ArrayList<>();
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        session.items(3, new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                synchronized (received) {
                    received.add(value);
                }
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
                synchronized (received) {
                    done.complete(List.copyOf(received));
                }
            }
        });
        try {
            List<String> items = done.get(clients.deadline(TARGET).toMillis(), TimeUnit.MILLISECONDS);
            if (items.size() != 3 || !items.get(2).equals(expectedLast)) {
                stats.discontinuity("streamed items " + items + " do not end with " + expectedLast);
            }
        } catch (Exception e) {
            stats.failure("items stream: " + e);
        }
    }

    private int probe(Cart session) {
        try {
            return session.view().items();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private boolean stopRequested() {
        return !stopFile.isBlank() && Files.exists(Path.of(stopFile));
    }

    private static void print(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    @Override
    public int getExitCode() {
        return stats.failures() == 0 && stats.continuous() && stats.calls() > 0 ? 0 : 1;
    }
}
