package io.rpcnet.cluster;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of one cluster member as the director sees it: identity, where to reach it, its
 * tags, and what the failure detector and the last heartbeat said. A new snapshot replaces the old one on
 * every heartbeat and evaluation, so holding one never blocks the registry.
 *
 * @param id                 stable identity
 * @param address            {@code host:port} of the member's RPC endpoint ({@code [v6]:port} for IPv6)
 * @param tags               free-form tags; see {@link Tags} for the {@code role}/{@code label}/{@code zone} conventions
 * @param incarnation        grows on every restart (and on refutation of a suspicion); older ones are stale
 * @param weight             relative capacity for weighted balancing, {@value #MIN_WEIGHT}..{@value #MAX_WEIGHT}
 * @param load               load reported by the member's last heartbeat (not the director's live counters)
 * @param status             failure-detector verdict
 * @param lastHeartbeatNanos monotonic time ({@code System.nanoTime()} scale) of the last accepted heartbeat
 * @param phi                suspicion level at the last evaluation (0 = fresh heartbeat)
 */
public record Member(MemberId id, String address, Map<String, String> tags, long incarnation, int weight,
                     MemberLoad load, MemberStatus status, long lastHeartbeatNanos, double phi) {

    /** Smallest weight. */
    public static final int MIN_WEIGHT = 1;
    /** Largest weight; keeps weighted round-robin tables small. */
    public static final int MAX_WEIGHT = 1000;
    /** Weight of a member that does not say otherwise. */
    public static final int DEFAULT_WEIGHT = 1;

    public Member {
        Objects.requireNonNull(id, "id");
        requireHostPort(address);
        tags = Tags.copyOf(tags);
        requireWeight(weight);
        Objects.requireNonNull(load, "load");
        Objects.requireNonNull(status, "status");
        if (incarnation < 0) {
            throw new IllegalArgumentException("incarnation must not be negative: " + incarnation);
        }
        if (Double.isNaN(phi) || phi < 0) {
            throw new IllegalArgumentException("phi must be >= 0: " + phi);
        }
    }

    /** Value of the {@link Tags#ROLE} tag. */
    public Optional<String> role() {
        return Optional.ofNullable(tags.get(Tags.ROLE));
    }

    /** Value of the {@link Tags#LABEL} tag. */
    public Optional<String> label() {
        return Optional.ofNullable(tags.get(Tags.LABEL));
    }

    /** Value of the {@link Tags#ZONE} tag. */
    public Optional<String> zone() {
        return Optional.ofNullable(tags.get(Tags.ZONE));
    }

    static int requireWeight(int weight) {
        if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be " + MIN_WEIGHT + ".." + MAX_WEIGHT + ": " + weight);
        }
        return weight;
    }

    /** The host of {@link #address()}, without the brackets of an IPv6 literal. */
    public String host() {
        String host = address.substring(0, address.lastIndexOf(':'));
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port of {@link #address()}. */
    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Checks {@code host:port} (or {@code [ipv6]:port}) with a port of 1..65535; returns it unchanged. */
    static String requireHostPort(String address) {
        Objects.requireNonNull(address, "address");
        int colon = address.lastIndexOf(':');
        int portDigits = address.length() - colon - 1;
        boolean ok = colon > 0 && portDigits >= 1 && portDigits <= 5;
        int port = 0;
        for (int i = colon + 1; ok && i < address.length(); i++) {
            char c = address.charAt(i);
            ok = c >= '0' && c <= '9';
            port = port * 10 + (c - '0');
        }
        ok &= port >= 1 && port <= 65535;
        for (int i = 0; ok && i < colon; i++) {
            ok = !Character.isWhitespace(address.charAt(i));
        }
        if (ok && address.lastIndexOf(':', colon - 1) >= 0) { // IPv6 literal: must be bracketed
            ok = colon > 2 && address.charAt(0) == '[' && address.charAt(colon - 1) == ']';
        }
        if (!ok) {
            throw new IllegalArgumentException("address must be host:port (IPv6 as [addr]:port) with port 1..65535: \""
                    + address + "\"");
        }
        return address;
    }
}
