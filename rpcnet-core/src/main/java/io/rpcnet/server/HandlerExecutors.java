package io.rpcnet.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor for handlers, which may block: virtual threads on Java 21+, otherwise a bounded
 * pool with a bounded queue (calls beyond it are refused with RESOURCE_EXHAUSTED, not queued forever).
 */
public final class HandlerExecutors {

    private static final Logger log = LoggerFactory.getLogger(HandlerExecutors.class);

    private HandlerExecutors() {
    }

    public static ExecutorService createDefault(String name) {
        ExecutorService virtual = virtualThreads(name);
        if (virtual != null) {
            log.debug("handlers of {} run on virtual threads", name);
            return virtual;
        }
        int threads = Math.max(16, Runtime.getRuntime().availableProcessors() * 8);
        return bounded(name, threads, 10_000);
    }

    /** A fixed pool of {@code threads} with a queue of {@code queueCapacity}. */
    public static ExecutorService bounded(String name, int threads, int queueCapacity) {
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), factory, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Virtual-thread-per-task executor, or {@code null} on a JVM without virtual threads (before 21). */
    public static ExecutorService virtualThreads(String name) {
        try {
            Object builder = MethodHandles.publicLookup().findStatic(Thread.class, "ofVirtual",
                    MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual"))).invoke();
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            builder = MethodHandles.publicLookup().findVirtual(ofVirtual, "name",
                    MethodType.methodType(ofVirtual, String.class, long.class)).invoke(builder, name + "-", 1L);
            ThreadFactory factory = (ThreadFactory) MethodHandles.publicLookup().findVirtual(
                    Class.forName("java.lang.Thread$Builder"), "factory", MethodType.methodType(ThreadFactory.class))
                    .invoke(builder);
            return (ExecutorService) MethodHandles.publicLookup().findStatic(java.util.concurrent.Executors.class,
                    "newThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class, ThreadFactory.class))
                    .invoke(factory);
        } catch (Throwable notAvailable) {
            return null;
        }
    }
}
