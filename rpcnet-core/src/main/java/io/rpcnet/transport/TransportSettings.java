package io.rpcnet.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timers of one QUIC endpoint. Every QUIC flow-control limit is set explicitly (quiche's
 * defaults are zero, which opens no stream). Immutable; build with {@link #builder()}.
 *
 * @param maxMessageSize        largest message accepted or sent, bytes (default 4 MiB)
 * @param maxConcurrentCalls    calls served at once per connection; more are refused with RESOURCE_EXHAUSTED
 * @param idleTimeout           QUIC idle timeout: a connection silent this long is closed
 * @param keepAliveInterval     client PING interval on the control stream; {@link Duration#ZERO} disables
 * @param lanes                 long-lived streams a client multiplexes unary calls over
 * @param laneIdleTimeout       a lane without calls this long is closed (re-opened on demand)
 * @param connectionWindow      QUIC initial_max_data, bytes
 * @param streamWindow          QUIC initial_max_stream_data for bidirectional streams, bytes
 * @param maxStreams            QUIC initial_max_streams_bidi (credit is renewed as streams close)
 * @param handshakeTimeout      how long a client waits for the QUIC + TLS handshake
 * @param eventLoopThreads      I/O threads; 0 = one per core
 * @param socketBufferSize      UDP socket send and receive buffer, bytes (the kernel may cap it)
 */
public record TransportSettings(int maxMessageSize, int maxConcurrentCalls, Duration idleTimeout,
                                Duration keepAliveInterval, int lanes, Duration laneIdleTimeout,
                                long connectionWindow, long streamWindow, long maxStreams,
                                Duration handshakeTimeout, int eventLoopThreads, int socketBufferSize) {

    public static final int DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

    public TransportSettings {
        if (maxMessageSize < 1024) {
            throw new IllegalArgumentException("maxMessageSize must be at least 1024 bytes");
        }
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException("maxConcurrentCalls must be positive");
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        Objects.requireNonNull(laneIdleTimeout, "laneIdleTimeout");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (lanes < 1 || lanes > 64) {
            throw new IllegalArgumentException("lanes must be between 1 and 64");
        }
        if (streamWindow < maxMessageSize / 4 || connectionWindow < streamWindow) {
            throw new IllegalArgumentException("windows too small: connectionWindow >= streamWindow >= maxMessageSize/4");
        }
        if (socketBufferSize < 64 * 1024) {
            throw new IllegalArgumentException("socketBufferSize must be at least 64 KiB");
        }
        if (maxStreams < lanes + 2) {
            throw new IllegalArgumentException("maxStreams must leave room for lanes and the control stream");
        }
    }

    public static TransportSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().maxMessageSize(maxMessageSize).maxConcurrentCalls(maxConcurrentCalls)
                .idleTimeout(idleTimeout).keepAliveInterval(keepAliveInterval).lanes(lanes)
                .laneIdleTimeout(laneIdleTimeout).connectionWindow(connectionWindow).streamWindow(streamWindow)
                .maxStreams(maxStreams).handshakeTimeout(handshakeTimeout).eventLoopThreads(eventLoopThreads)
                .socketBufferSize(socketBufferSize);
    }

    /** Builder with production defaults. */
    public static final class Builder {
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private int maxConcurrentCalls = 2048;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration keepAliveInterval = Duration.ofSeconds(20);
        private int lanes = 4;
        private Duration laneIdleTimeout = Duration.ofSeconds(30);
        private long connectionWindow = 64L * 1024 * 1024;
        private long streamWindow = 8L * 1024 * 1024;
        private long maxStreams = 4096;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private int eventLoopThreads;
        private int socketBufferSize = 4 * 1024 * 1024;

        public Builder maxMessageSize(int v) { maxMessageSize = v; return this; }
        public Builder maxConcurrentCalls(int v) { maxConcurrentCalls = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder keepAliveInterval(Duration v) { keepAliveInterval = v; return this; }
        public Builder lanes(int v) { lanes = v; return this; }
        public Builder laneIdleTimeout(Duration v) { laneIdleTimeout = v; return this; }
        public Builder connectionWindow(long v) { connectionWindow = v; return this; }
        public Builder streamWindow(long v) { streamWindow = v; return this; }
        public Builder maxStreams(long v) { maxStreams = v; return this; }
        public Builder handshakeTimeout(Duration v) { handshakeTimeout = v; return this; }
        public Builder eventLoopThreads(int v) { eventLoopThreads = v; return this; }
        public Builder socketBufferSize(int v) { socketBufferSize = v; return this; }

        public TransportSettings build() {
            return new TransportSettings(maxMessageSize, maxConcurrentCalls, idleTimeout, keepAliveInterval, lanes,
                    laneIdleTimeout, connectionWindow, Math.max(streamWindow, maxMessageSize), maxStreams,
                    handshakeTimeout, eventLoopThreads, socketBufferSize);
        }
    }
}
