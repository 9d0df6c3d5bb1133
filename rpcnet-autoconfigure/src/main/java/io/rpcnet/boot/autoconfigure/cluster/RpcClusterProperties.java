package io.rpcnet.boot.autoconfigure.cluster;

import io.rpcnet.cluster.balance.LoadBalancingStrategy;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The director/worker cluster, under {@code rpcnet.cluster}. */
@ConfigurationProperties("rpcnet.cluster")
public class RpcClusterProperties {

    /** This node's role; {@code none} keeps the application out of any cluster. */
    private Role role = Role.NONE;

    /** Member id of this node; defaults to spring.application.name plus a random suffix. */
    private String memberId;

    /** {@code host:port} other nodes reach this node's RpcNet server at; defaults to its bound address. */
    private String advertisedAddress;

    /** Directors a worker joins, as {@code host:port}. */
    private List<String> seeds = new ArrayList<>();

    /** Shared secret (at least 32 bytes) workers prove knowledge of to join; never logged. */
    private String secret;

    /** This worker's tags, e.g. {@code role=worker}, {@code label=worker-a}, {@code zone=eu}. */
    private Map<String, String> tags = new LinkedHashMap<>();

    /** How often a worker sends a heartbeat with its load. */
    private Duration heartbeatInterval = Duration.ofMillis(500);

    /** How the director picks a worker. */
    private LoadBalancingStrategy loadBalancing = LoadBalancingStrategy.ROUND_ROBIN;

    private final FailureDetector failureDetector = new FailureDetector();

    private final Partition partition = new Partition();

    private final Client client = new Client();

    public Role getRole() {
        return role;
    }

    public void setRole(Role role) {
        this.role = role;
    }

    public String getMemberId() {
        return memberId;
    }

    public void setMemberId(String memberId) {
        this.memberId = memberId;
    }

    public String getAdvertisedAddress() {
        return advertisedAddress;
    }

    public void setAdvertisedAddress(String advertisedAddress) {
        this.advertisedAddress = advertisedAddress;
    }

    public List<String> getSeeds() {
        return seeds;
    }

    public void setSeeds(List<String> seeds) {
        this.seeds = seeds;
    }

    public String getSecret() {
        return secret;
    }

    public void setSecret(String secret) {
        this.secret = secret;
    }

    public Map<String, String> getTags() {
        return tags;
    }

    public void setTags(Map<String, String> tags) {
        this.tags = tags;
    }

    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public LoadBalancingStrategy getLoadBalancing() {
        return loadBalancing;
    }

    public void setLoadBalancing(LoadBalancingStrategy loadBalancing) {
        this.loadBalancing = loadBalancing;
    }

    public FailureDetector getFailureDetector() {
        return failureDetector;
    }

    public Partition getPartition() {
        return partition;
    }

    public Client getClient() {
        return client;
    }

    /** Roles a node can have. */
    public enum Role {
        /** Not part of a cluster. */
        NONE,
        /** Keeps the worker registry, routes and balances. */
        DIRECTOR,
        /** Joins the directors and serves sessions. */
        WORKER
    }

    /** The phi accrual failure detector the director runs per worker. */
    public static class FailureDetector {

        /** Phi at which a silent worker is FAILED. */
        private double threshold = 8.0;

        /** Phi at which a worker is SUSPECT (gets no new work); 0 = half the threshold. */
        private double suspectThreshold;

        /** Heartbeat intervals remembered per worker. */
        private int sampleWindow = 200;

        /** Floor of the interval standard deviation, so regular heartbeats do not make detection jumpy. */
        private Duration minStdDeviation = Duration.ofMillis(100);

        /** Extra pause tolerated before phi rises (e.g. for GC pauses). */
        private Duration acceptablePause = Duration.ZERO;

        public double getThreshold() {
            return threshold;
        }

        public void setThreshold(double threshold) {
            this.threshold = threshold;
        }

        public double getSuspectThreshold() {
            return suspectThreshold;
        }

        public void setSuspectThreshold(double suspectThreshold) {
            this.suspectThreshold = suspectThreshold;
        }

        public int getSampleWindow() {
            return sampleWindow;
        }

        public void setSampleWindow(int sampleWindow) {
            this.sampleWindow = sampleWindow;
        }

        public Duration getMinStdDeviation() {
            return minStdDeviation;
        }

        public void setMinStdDeviation(Duration minStdDeviation) {
            this.minStdDeviation = minStdDeviation;
        }

        public Duration getAcceptablePause() {
            return acceptablePause;
        }

        public void setAcceptablePause(Duration acceptablePause) {
            this.acceptablePause = acceptablePause;
        }
    }

    /** Partition awareness: many workers failing at once is more likely the director's network. */
    public static class Partition {

        /** Fraction of workers failing within the window that counts as a partition. */
        private double fraction = 0.5;

        /** Window in which those failures must happen. */
        private Duration window = Duration.ofSeconds(5);

        /** Fewest failures that can make a partition. */
        private int minFailures = 2;

        public double getFraction() {
            return fraction;
        }

        public void setFraction(double fraction) {
            this.fraction = fraction;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public int getMinFailures() {
            return minFailures;
        }

        public void setMinFailures(int minFailures) {
            this.minFailures = minFailures;
        }
    }

    /** How the director's cluster client calls workers. */
    public static class Client {

        /** Workers calls go to unless a proxy names another filter, e.g. {@code role=worker}. */
        private String defaultFilter = "";

        /** Attempts per call in all (1 = no retry); only not-processed failures and @Idempotent methods retry. */
        private int maxAttempts = 3;

        /** Backoff before the first retry (exponential, with jitter). */
        private Duration initialBackoff = Duration.ofMillis(50);

        /** Failure rate (percent) over the last calls that opens a worker's circuit breaker. */
        private float failureRateThreshold = 50;

        /** How long an open breaker keeps a worker out of rotation before trial calls. */
        private Duration waitInOpenState = Duration.ofSeconds(10);

        /** Calls in flight through the cluster client at once; more fail fast with RESOURCE_EXHAUSTED. */
        private int maxConcurrentCalls = 1024;

        public String getDefaultFilter() {
            return defaultFilter;
        }

        public void setDefaultFilter(String defaultFilter) {
            this.defaultFilter = defaultFilter;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public Duration getWaitInOpenState() {
            return waitInOpenState;
        }

        public void setWaitInOpenState(Duration waitInOpenState) {
            this.waitInOpenState = waitInOpenState;
        }

        public int getMaxConcurrentCalls() {
            return maxConcurrentCalls;
        }

        public void setMaxConcurrentCalls(int maxConcurrentCalls) {
            this.maxConcurrentCalls = maxConcurrentCalls;
        }
    }
}
