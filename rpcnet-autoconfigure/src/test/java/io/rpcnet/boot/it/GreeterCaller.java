package io.rpcnet.boot.it;

import org.springframework.stereotype.Component;

/** A plain bean receiving the client proxy by constructor into a final field, as applications do. */
@Component
public class GreeterCaller {

    private final Greeter greeter;

    public GreeterCaller(Greeter greeter) {
        this.greeter = greeter;
    }

    public Greeter.Greeting greet(String name) {
        return greeter.greet(name);
    }

    public Greeter greeter() {
        return greeter;
    }
}
