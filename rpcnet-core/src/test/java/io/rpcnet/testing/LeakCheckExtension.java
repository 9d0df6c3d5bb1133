package io.rpcnet.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Registered for every test class (service loader): after the class, collects garbage and allocates so
 * Netty's leak detector reports any {@code ByteBuf} that was never released, then fails if one was.
 */
public final class LeakCheckExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new AssertionError("tests must run with -Dio.netty.leakDetection.level=paranoid");
        }
        for (int round = 0; round < 3; round++) {
            System.gc();
            List<ByteBuf> probes = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                probes.add(PooledByteBufAllocator.DEFAULT.directBuffer(16));
                probes.add(PooledByteBufAllocator.DEFAULT.heapBuffer(16));
            }
            probes.forEach(ByteBuf::release);
        }
        if (!LeakRecorder.LEAKS.isEmpty()) {
            List<String> leaks = new ArrayList<>(LeakRecorder.LEAKS);
            LeakRecorder.LEAKS.clear();
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) detected in or before "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }
}
