package io.rpcnet.boot.it;

import io.rpcnet.boot.annotation.LocalRpcServerPort;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ActiveProfiles;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@SpringBootTest(classes = GreeterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
class RpcStarterIntegrationTest {

    @Autowired
    GreeterCaller caller;

    @LocalRpcServerPort
    int rpcPort;

    @LocalServerPort
    int httpPort;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesAnRpcServiceAndCallsItThroughAnInjectedProxyOverTls() throws Exception {
        assertThat(rpcPort).isPositive();
        Greeter.Greeting first = caller.greet("spring");
        assertThat(first.text()).isEqualTo("hello spring");
        assertThat(caller.greeter().greetAsync("async").get(5, TimeUnit.SECONDS).text()).isEqualTo("hello async");
        assertThatThrownBy(() -> caller.greeter().fail("nope")).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.FAILED_PRECONDITION));
    }

    @Test
    void actuatorShowsHealthInfoAndMetricsOfRealCalls() throws Exception {
        for (int i = 0; i < 5; i++) {
            caller.greet("metrics");
        }
        assertThatThrownBy(() -> caller.greeter().fail("x")).isInstanceOf(RpcException.class);

        String health = get("/actuator/health");
        assertThat(health).contains("\"rpcnet\"").contains("\"port\":" + rpcPort);
        assertThat(health).containsPattern("\"rpcnet\":\\{\"details\":\\{[^}]*\"connections\":[1-9][^}]*},\"status\":\"UP\"");

        String info = get("/actuator/info");
        assertThat(info).contains("\"rpcnet\"").contains("\"Greeter\"").contains("\"greet\":\"UNARY\"");

        String metric = get("/actuator/metrics/rpcnet.server.calls?tag=method:greet&tag=status:OK");
        assertThat(metric).contains("\"COUNT\"");
        assertThat(countOf(metric)).isGreaterThanOrEqualTo(5);
        String failed = get("/actuator/metrics/rpcnet.server.calls?tag=method:fail&tag=status:FAILED_PRECONDITION");
        assertThat(countOf(failed)).isGreaterThanOrEqualTo(1);
        assertThat(get("/actuator/metrics/rpcnet.client.calls?tag=service:Greeter&tag=method:greet")).contains("COUNT");

        String prometheus = get("/actuator/prometheus");
        assertThat(prometheus).containsPattern(
                "rpcnet_server_calls_seconds_count\\{[^}]*method=\"greet\"[^}]*status=\"OK\"[^}]*} [1-9]");
        assertThat(prometheus).contains("rpcnet_server_connections");
    }

    @Test
    void twoContextsInOneJvmGetTheirOwnPorts() {
        try (ConfigurableApplicationContext other = new SpringApplicationBuilder(GreeterApplication.class)
                .profiles("it").properties("server.port=0").run()) {
            int otherPort = Integer.parseInt(other.getEnvironment().getProperty("local.rpcnet.server.port"));
            assertThat(otherPort).isPositive().isNotEqualTo(rpcPort);
            assertThat(other.getBean(GreeterCaller.class).greet("other").text()).isEqualTo("hello other");
        }
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    private static double countOf(String metricJson) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\"statistic\":\"COUNT\",\"value\":([0-9.]+)").matcher(metricJson);
        assertThat(m.find()).as(metricJson).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
