package io.rpcnet.migration.coordinator;

import io.rpcnet.migration.wire.MigrationProtocol;

import java.util.concurrent.CompletableFuture;

/**
 * A worker's migration service as served in tests: the real participant, with the fixture's tamper hook
 * applied to incoming base-copy batches (state corrupted in transit, after the director relayed it).
 */
final class TamperingProtocol implements MigrationProtocol {

    private final MigrationProtocol delegate;
    private final MigrationFixture fixture;

    TamperingProtocol(MigrationProtocol delegate, MigrationFixture fixture) {
        this.delegate = delegate;
        this.fixture = fixture;
    }

    @Override public Ack prepare(Prepare r) { return delegate.prepare(r); }
    @Override public BaseExport exportBase(ExportBase r) { return delegate.exportBase(r); }
    @Override public Chunks exportChunks(ChunkRange r) { return delegate.exportChunks(r); }
    @Override public Ack importBase(BaseImport r) { return delegate.importBase(fixture.importTamper.apply(r)); }
    @Override public Delta exportDelta(DeltaRequest r) { return delegate.exportDelta(r); }
    @Override public Ack applyDelta(DeltaApply r) { return delegate.applyDelta(r); }
    @Override public CompletableFuture<Delta> freeze(DeltaRequest r) { return delegate.freeze(r); }
    @Override public CompletableFuture<Ack> commit(Commit r) { return delegate.commit(r); }
    @Override public Ack handOver(HandOver r) { return delegate.handOver(r); }
    @Override public Ack abort(Abort r) { return delegate.abort(r); }
    @Override public SessionList listSessions(ListSessions r) { return delegate.listSessions(r); }
}
