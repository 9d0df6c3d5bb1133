package io.rpcnet.benchmarks;

import io.rpcnet.benchmarks.migration.HeapProbe;
import io.rpcnet.benchmarks.migration.MigrationFixture;
import io.rpcnet.benchmarks.migration.MigrationPartsBenchmark;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The migration building blocks (encryption, gzip and zstd serialization, the complete workflow) at 1 KiB,
 * 1 MiB and 10 MiB of realistic state, with JMH ({@link MigrationPartsBenchmark}, sample time, reported as
 * the median time per operation, which a shared machine's preemption skews least; one fork per case), compared with the figures published for the Rust original; then the peak heap of a 10 MiB
 * zstd workflow ({@link HeapProbe}).
 */
final class MigrationPartsSuite implements Suite {

    private static final String[] SIZES = {"1KiB", "1MiB", "10MiB"};
    /** Benchmark method → op name in the RESULT lines. */
    private static final Map<String, String> OPS = new java.util.LinkedHashMap<>();
    /** Published figures of the Rust original, µs at 1 KiB / 1 MiB / 10 MiB. */
    private static final Map<String, double[]> PUBLISHED = new HashMap<>();

    static {
        OPS.put("encrypt", "encrypt");
        OPS.put("serializeGzip", "serialize-gzip");
        OPS.put("serializeZstd", "serialize-zstd");
        OPS.put("workflowGzip", "workflow-gzip");
        OPS.put("workflowZstd", "workflow-zstd");
        PUBLISHED.put("encrypt", new double[] {10, 1_000, 10_000});
        // only gzip serialization figures were published; zstd is held to the same ones
        PUBLISHED.put("serialize-gzip", new double[] {50, 5_000, 50_000});
        PUBLISHED.put("serialize-zstd", new double[] {50, 5_000, 50_000});
        PUBLISHED.put("workflow-gzip", new double[] {100, 10_000, 100_000});
        PUBLISHED.put("workflow-zstd", new double[] {100, 10_000, 100_000});
    }

    /** JMH iterations for one state size. */
    private record Plan(int warmups, long warmupMillis, int iterations, long iterationMillis) {
    }

    /**
     * Quick: in this JVM (no fork, so the JIT warm-up of one case carries over to the next and 15 JVM starts
     * are saved), short iterations for small states, longer ones where an op takes tens of ms.
     */
    private static final Plan[] QUICK = {new Plan(3, 300, 3, 200), new Plan(3, 400, 3, 300), new Plan(3, 600, 3, 500)};
    private static final Plan[] FULL = {new Plan(5, 1_000, 5, 1_000), new Plan(5, 1_000, 5, 1_000),
        new Plan(5, 1_000, 5, 1_000)};

    @Override
    public void run(Options options, PrintStream out) throws Exception {
        Plan[] plans = options.quick() ? QUICK : FULL;
        int heapWarmups = options.quick() ? 5 : 20;
        StringBuilder planText = new StringBuilder();
        for (int i = 0; i < SIZES.length; i++) {
            planText.append(i == 0 ? "" : ", ").append(SIZES[i]).append(' ').append(plans[i].warmups).append('x')
                    .append(plans[i].warmupMillis).append(" ms warm-up + ").append(plans[i].iterations).append('x')
                    .append(plans[i].iterationMillis).append(" ms");
        }
        out.printf("# migration-parts: %s mode, JMH sample time (us = median time per op), %s; %s;"
                        + " java %s, %d cpus, max heap %d MB%n",
                options.quick() ? "quick" : "full",
                options.quick() ? "in this JVM (no fork: shared JIT warm-up, indicative only)" : "1 fork per case",
                planText, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        out.println("# load average at start: " + loadAverage());
        out.println("# defaults: 1 MiB chunks, gzip level 1, zstd level 1, AES-256-GCM per chunk, parallelism "
                + Math.min(4, Runtime.getRuntime().availableProcessors()));
        // the heap probe runs first, in this JVM before JMH has used it; its lines are printed at the end
        boolean heapOk;
        List<String> heapLines = new ArrayList<>();
        try (MigrationFixture f = new MigrationFixture(10 * 1024 * 1024)) {
            out.printf(Locale.ROOT, "# state: 50%% JSON attributes, 25%% binary responses, 25%% app state (half"
                    + " random, half doubles); 10 MiB compresses to %.2f (gzip) / %.2f (zstd) of its size%n",
                    f.ratio(f.gzip), f.ratio(f.zstd));
            HeapProbe.Result h = HeapProbe.measure(f, f.zstdTransfer, heapWarmups);
            double peakMb = h.peakAboveBaseline() / (1024.0 * 1024.0);
            heapLines.add(String.format(Locale.ROOT,
                    "RESULT migration-workflow-zstd-10MiB-heap peak_mb=%.1f state_mb=10 ratio=%.2f", peakMb, peakMb / 10));
            heapLines.add(String.format(Locale.ROOT, "# heap (approximate): live heap after a full GC at %d points of"
                            + " the workflow (after capture, each chunk sealed, each chunk received, restore), measured"
                            + " before JMH; baseline %.1f MB (JVM + live 10 MiB source session + services), peak %.1f MB"
                            + " at '%s'; peak_mb is the difference and includes the restored target session",
                    h.samples(), h.baselineBytes() / 1048576.0, h.peakBytes() / 1048576.0, h.peakAt()));
            StringBuilder readings = new StringBuilder("# heap readings MB:");
            for (long r : h.readings()) {
                readings.append(String.format(Locale.ROOT, " %.1f", r / 1048576.0));
            }
            heapLines.add(readings.toString());
            heapOk = peakMb <= 30;
        }
        Map<String, Result<?>> scores = new HashMap<>();
        for (int i = 0; i < SIZES.length; i++) {
            Plan plan = plans[i];
            org.openjdk.jmh.runner.options.Options jmh = new OptionsBuilder()
                    .include(MigrationPartsBenchmark.class.getName() + "\\.")
                    .param("size", SIZES[i])
                    .warmupIterations(plan.warmups).warmupTime(TimeValue.milliseconds(plan.warmupMillis))
                    .measurementIterations(plan.iterations).measurementTime(TimeValue.milliseconds(plan.iterationMillis))
                    .forks(options.quick() ? 0 : 1)
                    .shouldFailOnError(true)
                    .verbosity(VerboseMode.SILENT)
                    .build();
            for (RunResult r : new Runner(jmh).run()) {
                String method = r.getParams().getBenchmark();
                method = method.substring(method.lastIndexOf('.') + 1);
                scores.put(OPS.get(method) + "-" + r.getParams().getParam("size"), r.getPrimaryResult());
            }
        }
        List<String> misses = new ArrayList<>();
        double zstdWorkflowWorstSpeedup = Double.MAX_VALUE;
        for (String op : OPS.values()) {
            for (int i = 0; i < SIZES.length; i++) {
                String key = op + "-" + SIZES[i];
                Result<?> r = scores.get(key);
                if (r == null) {
                    out.println("# " + key + ": no result");
                    misses.add(key);
                    continue;
                }
                double us = r.getStatistics().getPercentile(50);
                double published = PUBLISHED.get(op)[i];
                double speedup = published / us;
                out.printf(Locale.ROOT, "RESULT migration-%s us=%.1f published_us=%.0f speedup=%.2f%n", key, us,
                        published, speedup);
                out.printf(Locale.ROOT, "# %s: median %.1f us, mean %.1f ± %.1f us (99.9%% CI), p90 %.1f us, %d ops"
                                + " sampled%n", key, us, r.getScore(), r.getScoreError(),
                        r.getStatistics().getPercentile(90), r.getSampleCount());
                if (us > published) {
                    misses.add(key);
                }
                if (op.equals("workflow-zstd")) {
                    zstdWorkflowWorstSpeedup = Math.min(zstdWorkflowWorstSpeedup, speedup);
                }
            }
        }
        out.println("# load average after JMH: " + loadAverage());

        heapLines.forEach(out::println);
        out.printf(Locale.ROOT, "# bars: every figure at or under the published one: %s; workflow-zstd speedup >= 2"
                        + " at every size: %s (worst %.2f); peak heap <= 3x state: %s%n",
                misses.isEmpty() ? "yes" : "NO " + misses,
                zstdWorkflowWorstSpeedup >= 2 ? "yes" : "NO", zstdWorkflowWorstSpeedup,
                heapOk ? "yes" : "NO");
    }

    private static String loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", l);
    }
}
