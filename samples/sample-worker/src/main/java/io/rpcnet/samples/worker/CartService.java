package io.rpcnet.samples.worker;

import io.rpcnet.boot.annotation.RpcService;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionManager;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cart lives in session attributes ({@code items}), so it moves with the session when the director
 * migrates it to another worker: no migration code is needed here.
 */
@RpcService
public class CartService implements Cart {

    private static final String ITEMS = "items";

    private final SessionManager sessions;

    public CartService(SessionManager sessions) {
        this.sessions = sessions;
    }

    @Override
    public CartView open() {
        RpcSession session = sessions.create();
        session.put(ITEMS, new String[0]);
        return new CartView(session.id(), sessions.workerId(), 0, null);
    }

    @Override
    public CartView add(String item) {
        RpcSession session = RpcSession.require();
        synchronized (session) {
            List<String> items = new ArrayList<>(items(session));
            items.add(item);
            session.put(ITEMS, items.toArray(String[]::new));
            return new CartView(session.id(), sessions.workerId(), items.size(), item);
        }
    }

    @Override
    public CartView view() {
        RpcSession session = RpcSession.require();
        List<String> items = items(session);
        return new CartView(session.id(), sessions.workerId(), items.size(),
                items.isEmpty() ? null : items.get(items.size() - 1));
    }

    @Override
    public void items(Integer limit, StreamObserver<String> out) {
        List<String> items = items(RpcSession.require());
        int from = Math.max(0, items.size() - (limit == null ? items.size() : Math.max(0, limit)));
        items.subList(from, items.size()).forEach(out::onNext);
        out.onCompleted();
    }

    private static List<String> items(RpcSession session) {
        return Arrays.asList(session.getOrDefault(ITEMS, String[].class, new String[0]));
    }
}
