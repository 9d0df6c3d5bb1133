package io.rpcnet.boot.it;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Test application: serves {@link GreeterService} and calls itself through the {@link Greeter} proxy. */
@SpringBootApplication
public class GreeterApplication {
}
