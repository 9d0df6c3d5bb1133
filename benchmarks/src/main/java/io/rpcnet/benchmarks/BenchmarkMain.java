package io.rpcnet.benchmarks;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Entry point of the benchmark jar: {@code BenchmarkMain <suite> [--quick] [--case NAME]}.
 *
 * <p>Each suite prints one {@code RESULT ...} line per measured case on standard output; lines
 * starting with {@code #} are commentary. New suites are added to {@link #SUITES}.
 */
public final class BenchmarkMain {

    private static final Map<String, Supplier<Suite>> SUITES = new LinkedHashMap<>();

    static {
        SUITES.put("unary", UnarySuite::new);
        SUITES.put("migration-parts", MigrationPartsSuite::new);
        SUITES.put("cluster", ClusterSuite::new);
        SUITES.put("migration-live", MigrationLiveSuite::new);
    }

    private BenchmarkMain() {
    }

    /**
     * Runs one suite.
     *
     * @param args the suite name followed by options ({@code --quick}, {@code --case NAME}: only that case,
     *             where the suite supports it)
     */
    public static void main(String[] args) throws Exception {
        // quiet by default; RpcNet/Netty warnings still show up
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        PrintStream out = System.out;
        if (args.length == 0 || !SUITES.containsKey(args[0])) {
            System.err.println("usage: BenchmarkMain <suite> [--quick]   suites: " + SUITES.keySet());
            System.exit(2);
        }
        List<String> options = Arrays.asList(args).subList(1, args.length);
        boolean quick = false;
        String only = null;
        for (int i = 0; i < options.size(); i++) {
            String o = options.get(i);
            if (o.equals("--quick")) {
                quick = true;
            } else if (o.equals("--case") && i + 1 < options.size()) {
                only = options.get(++i);
            } else {
                System.err.println("unknown option: " + o + "   (options: --quick, --case NAME)");
                System.exit(2);
            }
        }
        long t0 = System.nanoTime();
        Suite suite = SUITES.get(args[0]).get();
        suite.run(new Suite.Options(quick, only), out);
        out.printf("# suite %s finished in %.1f s (quick=%s)%n", args[0], (System.nanoTime() - t0) / 1e9, quick);
        out.flush();
        // non-daemon threads of any library must not keep us alive
        System.exit(0);
    }
}
