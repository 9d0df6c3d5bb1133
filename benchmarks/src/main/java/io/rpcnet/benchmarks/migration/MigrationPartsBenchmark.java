package io.rpcnet.benchmarks.migration;

import io.rpcnet.migration.serialization.SerializedSnapshot;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH benchmarks of the migration building blocks at 1 KiB, 1 MiB and 10 MiB of state; run by
 * {@code benchmarks/run.sh migration-parts} (iterations and forks are set there).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MigrationPartsBenchmark {

    @Param({"1KiB", "1MiB", "10MiB"})
    public String size;

    private MigrationFixture fixture;

    /** {@code "1KiB"} → 1024 etc. */
    public static int bytes(String size) {
        return switch (size) {
            case "1KiB" -> 1024;
            case "1MiB" -> 1024 * 1024;
            case "10MiB" -> 10 * 1024 * 1024;
            default -> throw new IllegalArgumentException(size);
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new MigrationFixture(bytes(size));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    /** AES-256-GCM of the state's binary form, bound to migration and session. */
    @Benchmark
    public byte[] encrypt() {
        return fixture.encryption.encrypt(fixture.encoded, fixture.binding);
    }

    /** Snapshot → checksummed gzip chunks + digest. */
    @Benchmark
    public SerializedSnapshot serializeGzip() {
        return fixture.gzip.serialize(fixture.snapshot);
    }

    /** Snapshot → checksummed zstd chunks + digest. */
    @Benchmark
    public SerializedSnapshot serializeZstd() {
        return fixture.zstd.serialize(fixture.snapshot);
    }

    /** Capture → serialize → gzip → encrypt → decrypt → gunzip → restore. */
    @Benchmark
    public long workflowGzip() {
        return fixture.workflow(fixture.gzipTransfer);
    }

    /** Capture → serialize → zstd → encrypt → decrypt → unzstd → restore. */
    @Benchmark
    public long workflowZstd() {
        return fixture.workflow(fixture.zstdTransfer);
    }
}
