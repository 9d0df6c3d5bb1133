package io.rpcnet.benchmarks;

import java.io.PrintStream;

/** A named group of benchmark cases run by {@link BenchmarkMain}. */
interface Suite {

    /** Command-line options shared by all suites. */
    record Options(boolean quick) {
    }

    /** Runs every case and prints {@code RESULT} lines to {@code out}. */
    void run(Options options, PrintStream out) throws Exception;
}
