package io.rpcnet.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects Netty's "LEAK:" reports so {@link LeakCheckExtension} can fail the build on any of them. */
public final class LeakRecorder extends AppenderBase<ILoggingEvent> {

    static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getFormattedMessage().contains("LEAK:")) {
            LEAKS.add(event.getFormattedMessage());
        }
    }
}
