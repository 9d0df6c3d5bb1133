package io.rpcnet.cluster.detection;

/**
 * Sliding window of the most recent heartbeat intervals (milliseconds) with O(1) mean and variance.
 * Running sums are recomputed from the window once per full turn so floating-point drift cannot build up.
 * Not thread-safe; the detector guards it.
 */
final class HeartbeatHistory {

    private final double[] intervals;
    private int size;
    private int next;
    private int sinceRecompute;
    private double sum;
    private double squaredSum;

    HeartbeatHistory(int capacity) {
        intervals = new double[capacity];
    }

    void add(double intervalMillis) {
        if (size == intervals.length) {
            double evicted = intervals[next];
            sum -= evicted;
            squaredSum -= evicted * evicted;
        } else {
            size++;
        }
        intervals[next] = intervalMillis;
        next = (next + 1) % intervals.length;
        sum += intervalMillis;
        squaredSum += intervalMillis * intervalMillis;
        if (++sinceRecompute >= intervals.length) {
            recompute();
        }
    }

    void clear() {
        size = 0;
        next = 0;
        sinceRecompute = 0;
        sum = 0;
        squaredSum = 0;
    }

    int size() {
        return size;
    }

    double mean() {
        return size == 0 ? 0 : sum / size;
    }

    /** Population variance of the window (never negative). */
    double variance() {
        if (size == 0) {
            return 0;
        }
        double mean = mean();
        return Math.max(0, squaredSum / size - mean * mean);
    }

    double stdDeviation() {
        return Math.sqrt(variance());
    }

    private void recompute() {
        sinceRecompute = 0;
        double s = 0;
        double sq = 0;
        for (int i = 0; i < size; i++) {
            s += intervals[i];
            sq += intervals[i] * intervals[i];
        }
        sum = s;
        squaredSum = sq;
    }
}
