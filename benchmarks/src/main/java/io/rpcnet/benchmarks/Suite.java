package io.rpcnet.benchmarks;

import java.io.PrintStream;

/** A named group of benchmark cases run by {@link BenchmarkMain}. */
interface Suite {

    /**
     * Command-line options shared by all suites.
     *
     * @param only the one case to run ({@code --case NAME}), or null for all; suites that cannot pick run all
     */
    record Options(boolean quick, String only) {
        Options(boolean quick) {
            this(quick, null);
        }

        /** Whether the case named {@code name} is to run. */
        boolean runs(String name) {
            return only == null || only.equals(name);
        }
    }

    /** Runs every case and prints {@code RESULT} lines to {@code out}. */
    void run(Options options, PrintStream out) throws Exception;
}
