package io.rpcnet.samples.client;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What the client saw: calls, failures, the workers that answered in order, and whether the cart stayed intact. */
public final class CallStats {

    private int calls;
    private int failures;
    private int moves;
    private int items;
    private boolean continuous = true;
    private String lastWorker;
    private final Set<String> workers = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();

    /** Records a call answered by {@code worker} whose cart had {@code items} items where {@code expected} belong. */
    public void success(String worker, int items, int expected) {
        calls++;
        if (lastWorker != null && !lastWorker.equals(worker)) {
            moves++;
        }
        lastWorker = worker;
        workers.add(worker);
        if (items != expected) {
            continuous = false;
            problems.add("call #" + calls + ": cart has " + items + " items, expected " + expected);
        }
        this.items = items;
    }

    /** Records a failed call. */
    public void failure(String why) {
        calls++;
        failures++;
        problems.add("call #" + calls + " failed: " + why);
    }

    /** Records a state check that failed outside a counted call (e.g. a streamed item list). */
    public void discontinuity(String why) {
        continuous = false;
        problems.add(why);
    }

    public int calls() {
        return calls;
    }

    public int failures() {
        return failures;
    }

    public int items() {
        return items;
    }

    public String lastWorker() {
        return lastWorker;
    }

    public boolean continuous() {
        return continuous;
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** The one-line summary ./demo.sh and the end-to-end test read. */
    public String summary(long reconnects, String sessionId) {
        return "SUMMARY calls=" + calls + " failures=" + failures + " reconnects=" + reconnects
                + " workers=" + workers + " moves=" + moves + " items=" + items
                + " state-continuous=" + continuous + " session=" + sessionId;
    }
}
