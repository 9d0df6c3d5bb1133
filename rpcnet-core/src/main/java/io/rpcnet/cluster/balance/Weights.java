package io.rpcnet.cluster.balance;

/** Weight arithmetic shared by the weighted strategies. */
final class Weights {

    private Weights() {
    }

    /** The candidates' weights as an array. */
    static int[] of(Candidates candidates) {
        int[] weights = new int[candidates.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = candidates.weight(i);
        }
        return weights;
    }

    /** Running sums: {@code cumulative[i] = weights[0] + ... + weights[i]}. */
    static int[] cumulative(int[] weights) {
        int[] cumulative = new int[weights.length];
        int sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
        return cumulative;
    }

    /** Index of the first entry of {@code cumulative} greater than {@code point} ({@code 0 <= point < total}). */
    static int bucket(int[] cumulative, int point) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > point) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * Whether candidate {@code a} is strictly less loaded than {@code b} relative to weight, comparing
     * {@code (load + 1) / weight}: the share each would have after taking one more unit of work.
     */
    static boolean lighter(long loadA, int weightA, long loadB, int weightB) {
        return (loadA + 1) * weightB < (loadB + 1) * weightA;
    }
}
