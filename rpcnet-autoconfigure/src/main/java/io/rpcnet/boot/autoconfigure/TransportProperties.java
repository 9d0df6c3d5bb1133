package io.rpcnet.boot.autoconfigure;

import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.transport.TransportSettings;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * The QUIC settings servers and clients share ({@code max-message-size}, {@code idle-timeout},
 * {@code keep-alive}, {@code io-threads}), validated once into {@link TransportSettings} with errors naming the property.
 */
public abstract class TransportProperties {

    /** Largest message accepted or sent. */
    private DataSize maxMessageSize = DataSize.ofMegabytes(4);

    /** A connection silent this long is closed. */
    private Duration idleTimeout = Duration.ofSeconds(60);

    /** Interval of keep-alive PINGs; 0 disables. */
    private Duration keepAlive = Duration.ofSeconds(20);

    /**
     * I/O threads; 0 = one per core. A server listens on one UDP socket per thread (SO_REUSEPORT, Linux epoll);
     * 1 keeps one socket, so QUIC follows a client whose address changes (NAT rebinding).
     */
    private int ioThreads;

    public int getIoThreads() {
        return ioThreads;
    }

    public void setIoThreads(int ioThreads) {
        this.ioThreads = ioThreads;
    }

    public DataSize getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public Duration getKeepAlive() {
        return keepAlive;
    }

    public void setKeepAlive(Duration keepAlive) {
        this.keepAlive = keepAlive;
    }

    /** These settings on a builder; {@code prefix} (e.g. {@code rpcnet.server}) names the property in errors. */
    public TransportSettings.Builder applyTo(TransportSettings.Builder builder, String prefix) {
        long maxMessage = maxMessageSize == null ? -1 : maxMessageSize.toBytes();
        if (maxMessage < 1024 || maxMessage > Integer.MAX_VALUE) {
            throw new InvalidRpcPropertyException(prefix + ".max-message-size", maxMessageSize,
                    "must be between 1KB and 2GB");
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new InvalidRpcPropertyException(prefix + ".idle-timeout", idleTimeout,
                    "must be a positive duration, e.g. 30s");
        }
        if (keepAlive == null || keepAlive.isNegative()) {
            throw new InvalidRpcPropertyException(prefix + ".keep-alive", keepAlive, "must be zero (off) or positive");
        }
        if (ioThreads < 0 || ioThreads > 1024) {
            throw new InvalidRpcPropertyException(prefix + ".io-threads", ioThreads,
                    "must be between 0 (one per core) and 1024");
        }
        return builder.maxMessageSize((int) maxMessage).idleTimeout(idleTimeout).keepAliveInterval(keepAlive)
                .eventLoopThreads(ioThreads);
    }
}
