package io.rpcnet.testing;

import io.rpcnet.protocol.Status;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** What the server answered for one call on a {@link RawStream}: its MESSAGE payloads in order, then its STATUS. */
public record CallResult(List<byte[]> messages, RawFrame statusFrame) {

    public Status status() {
        return statusFrame.status();
    }

    public String onlyMessageText() {
        if (messages.size() != 1) {
            throw new AssertionError("expected one MESSAGE, got " + messages.size() + " before " + status());
        }
        return new String(messages.get(0), StandardCharsets.UTF_8);
    }
}
