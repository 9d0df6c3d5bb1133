package io.rpcnet.boot.autoconfigure.actuate;

import io.rpcnet.boot.autoconfigure.server.RpcServerLifecycle;
import io.rpcnet.server.RpcServer;
import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.service.ServiceDescriptor;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /actuator/info} entry {@code rpcnet}: the port and every served method with its call shape. */
public final class RpcServerInfoContributor implements InfoContributor {

    private final RpcServerLifecycle lifecycle;

    public RpcServerInfoContributor(RpcServerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public void contribute(Info.Builder builder) {
        RpcServer server = lifecycle.server();
        Map<String, Object> info = new LinkedHashMap<>();
        if (server == null) {
            info.put("running", false);
        } else {
            info.put("running", true);
            info.put("port", server.port());
            Map<String, Object> services = new LinkedHashMap<>();
            for (ServiceDescriptor service : server.services().values()) {
                Map<String, String> methods = new LinkedHashMap<>();
                List<MethodDescriptor> list = service.methods();
                list.forEach(m -> methods.put(m.methodName(), m.type().name()));
                services.put(service.name(), methods);
            }
            info.put("services", services);
        }
        builder.withDetail("rpcnet", info);
    }
}
