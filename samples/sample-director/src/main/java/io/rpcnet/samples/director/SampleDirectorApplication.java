package io.rpcnet.samples.director;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample director: with {@code rpcnet.cluster.role=director} (see {@code application.yml}) the starter
 * runs the worker registry, the gateway clients connect to and the migration coordinator; Actuator shows
 * and drives them over HTTP ({@code /actuator/health}, {@code /actuator/rpccluster},
 * {@code /actuator/migration}, {@code /actuator/prometheus}). There is no application code beyond this class
 * and {@link PortsFile}.
 */
@SpringBootApplication
public class SampleDirectorApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleDirectorApplication.class, args);
    }
}
