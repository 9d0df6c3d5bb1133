package io.rpcnet.benchmarks;

import io.rpcnet.cluster.balance.LoadBalancingStrategy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Cluster logic, no network: the cost of {@code WorkerRegistry.select} per strategy (each in a forked JVM,
 * see {@link ClusterSelectBench}) and failure-detection timing on a simulated clock
 * ({@link ClusterDetectionSim}; the {@code -sim} suffix says it is not a network measurement).
 */
final class ClusterSuite implements Suite {

    private static final List<ClusterDetectionSim.Profile> PROFILES = List.of(
            // sender jitter sd 15 ms; 1% of beats stalled 50..250 ms
            new ClusterDetectionSim.Profile("cluster-detection-sim", 15, 0.01, 50, 250),
            // a loaded host: jitter sd 40 ms; 5% of beats stalled 50..400 ms
            new ClusterDetectionSim.Profile("cluster-detection-sim-busy", 40, 0.05, 50, 400));

    @Override
    public void run(Options options, PrintStream out) throws Exception {
        boolean quick = options.quick();
        out.printf("# cluster: %s mode, java %s, %d cpus, load average %s%n", quick ? "quick" : "full",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), loadAverage());
        out.println("# select: 20 workers, filter role=worker,zone=eu matches 16, one forked JVM per strategy");
        for (LoadBalancingStrategy strategy : LoadBalancingStrategy.values()) {
            fork(strategy, quick, out);
        }
        int kills = quick ? 200 : 1_000;
        for (ClusterDetectionSim.Profile profile : PROFILES) {
            long t0 = System.nanoTime();
            ClusterDetectionSim.Result r = ClusterDetectionSim.run(profile, 8, kills, 20261101L);
            out.printf(Locale.ROOT, "RESULT %s heartbeat_ms=%d p50_ms=%d p99_ms=%d false_positives=%d kills=%d"
                            + " max_ms=%d tick_ms=%d%n", profile.name(), ClusterDetectionSim.HEARTBEAT_MS,
                    r.percentile(50), r.percentile(99), r.falsePositives(), r.detectionMs().length,
                    r.percentile(100), ClusterDetectionSim.TICK_MS);
            out.printf(Locale.ROOT, "# %s: jitter sd %.0f ms, %.0f%% of beats stalled %d..%d ms; 8 workers, %d beats"
                            + " over %d simulated s; SUSPECT of running workers: %d; min detection %d ms; %.1f s real%n",
                    profile.name(), profile.jitterSdMs(), profile.stallProbability() * 100, profile.stallMinMs(),
                    profile.stallMaxMs(), r.beats(), r.simulatedSeconds(), r.falseSuspicions(), r.percentile(0),
                    (System.nanoTime() - t0) / 1e9);
        }
        ClusterNetworkDetection.run(quick, out);
    }

    private static void fork(LoadBalancingStrategy strategy, boolean quick, PrintStream out) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx256m", "-XX:+UseG1GC",
                "-cp", System.getProperty("java.class.path"), ClusterSelectBench.class.getName(),
                strategy.name(), Boolean.toString(quick)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line.startsWith("RESULT") || line.startsWith("#") ? line : "# [" + strategy + "] " + line);
            }
        }
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            out.printf("# cluster-select-%s: fork failed (exit %s)%n", ClusterSelectBench.name(strategy),
                    process.isAlive() ? "timeout" : process.exitValue());
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "n/a";
        }
    }
}
