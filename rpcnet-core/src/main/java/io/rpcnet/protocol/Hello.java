package io.rpcnet.protocol;

import java.util.List;

/**
 * The HELLO frame: what each side of a connection speaks. The migration modes are exchanged now so the
 * session-migration work can negotiate them (e.g. {@code gateway}, {@code direct-explicit}).
 *
 * @param version            protocol version, 1
 * @param features           bit set of optional features (none defined in version 1)
 * @param migrationModes     session-migration modes the sender supports, in preference order
 * @param maxMessageSize     largest message the sender accepts, in bytes
 * @param maxConcurrentCalls most calls the sender serves at once on this connection (0 = not a server)
 */
public record Hello(long version, long features, List<String> migrationModes, long maxMessageSize,
                    long maxConcurrentCalls) {

    public static final long VERSION_1 = 1;

    public Hello {
        migrationModes = List.copyOf(migrationModes);
    }
}
