package io.rpcnet.cluster.balance;

/** Precomputes nginx's smooth weighted round-robin cycle for {@link RoundRobinBalancer}. */
final class WeightedSequence {

    /** Longest cycle kept; beyond it weights are scaled down proportionally (each stays at least 1). */
    static final int MAX_LENGTH = 4096;

    private WeightedSequence() {
    }

    /** The cycle of candidate indexes; each index {@code i} occurs {@code weights[i] / gcd} times (if not scaled). */
    static int[] smooth(int[] weights) {
        int[] w = reduce(weights);
        int total = 0;
        for (int x : w) {
            total += x;
        }
        int[] current = new int[w.length];
        int[] sequence = new int[total];
        for (int k = 0; k < total; k++) {
            int best = 0;
            for (int i = 0; i < w.length; i++) {
                current[i] += w[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            sequence[k] = best;
        }
        return sequence;
    }

    /** Divides by the GCD and, if the sum is still above {@link #MAX_LENGTH}, scales down. */
    static int[] reduce(int[] weights) {
        int gcd = 0;
        long total = 0;
        for (int x : weights) {
            gcd = gcd(gcd, x);
            total += x;
        }
        int[] w = new int[weights.length];
        total /= gcd;
        double scale = total > Math.max(MAX_LENGTH, weights.length) ? (double) MAX_LENGTH / total : 1.0;
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(1, (int) Math.round(weights[i] / gcd * scale));
        }
        return w;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
