package io.rpcnet.boot.migration;

import io.rpcnet.boot.annotation.RpcService;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionManager;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/** One application started as a director or as workers serving {@link Counter}, by properties. */
@SpringBootApplication
public class MigrationApp {

    @Bean
    @RpcService
    @ConditionalOnProperty(name = "rpcnet.cluster.role", havingValue = "worker")
    Counter counter(SessionManager sessions) {
        return new Counter() {
            @Override
            public String open() {
                RpcSession session = sessions.create();
                session.put("counter", 0L);
                return session.id();
            }

            @Override
            public long increment() {
                RpcSession session = RpcSession.require();
                synchronized (session) {
                    long next = session.getOrDefault("counter", Long.class, 0L) + 1;
                    session.put("counter", next);
                    return next;
                }
            }

            @Override
            public String worker() {
                return sessions.workerId();
            }
        };
    }
}
