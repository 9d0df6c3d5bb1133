package io.rpcnet.cluster.membership;

import java.util.Objects;

/**
 * A director's seed address, {@code host:port} or {@code [v6]:port}. Its own type because the agent's
 * {@link WorkerMembershipAgent.Builder} validates seeds with it and each {@link DirectorLink} connects with it.
 */
record HostPort(String host, int port) {
    static HostPort parse(String text) {
        Objects.requireNonNull(text, "seed");
        String s = text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("seed must be host:port: \"" + text + "\"");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 seeds must be bracketed, [addr]:port: \"" + text + "\"");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed port is not a number: \"" + text + "\"");
        }
        if (port < 1 || port > 65535 || host.isBlank()) {
            throw new IllegalArgumentException("seed must be host:port with port 1..65535: \"" + text + "\"");
        }
        return new HostPort(host, port);
    }
}
