package io.rpcnet.samples.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs {@code ./demo.sh --no-build} on the jars the reactor just packaged: the director, two workers and the
 * client as four separate JVMs on loopback with OS-chosen ports; the holder of the client's session is drained
 * through Actuator while the client calls. Asserts the demo's verdict, its summary (no failed call, the cart
 * intact, the session answered by both workers in turn) and that every JVM it started is gone afterwards.
 */
@DisabledOnOs(OS.WINDOWS)
class DemoEndToEndTest {

    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final Pattern SUMMARY = Pattern.compile(
            "\\[demo] client: SUMMARY calls=(\\d+) failures=(\\d+) reconnects=(\\d+) workers=\\[([^]]*)] moves=(\\d+)"
                    + " items=(\\d+) state-continuous=(\\w+)");

    @Test
    void theDemoDrainsAWorkerWhileTheClientCallsWithoutAFailedCall() throws Exception {
        Path root = repositoryRoot();
        Path output = Path.of("target", "demo-output.log").toAbsolutePath();
        Files.createDirectories(output.getParent());
        String runId = "e2e-" + UUID.randomUUID();
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("demo.sh").toString(), "--no-build")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("DEMO_RUN_ID", runId);
        Process demo = builder.start();
        if (!demo.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            demo.destroy(); // SIGTERM: the script's trap stops what it started
            if (!demo.waitFor(60, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
            fail("demo.sh did not finish within " + LIMIT + ":\n" + Files.readString(output));
        }
        String out = Files.readString(output);
        System.out.println(out);

        assertThat(demo.exitValue()).as("exit code of demo.sh; its output:\n%s", out).isZero();
        Matcher summary = SUMMARY.matcher(out);
        assertThat(summary.find()).as("a SUMMARY line in:\n%s", out).isTrue();
        assertThat(Integer.parseInt(summary.group(1))).as("calls").isGreaterThanOrEqualTo(15);
        assertThat(summary.group(2)).as("failed calls").isEqualTo("0");
        assertThat(List.of(summary.group(4).split(", "))).as("workers in answering order")
                .containsExactlyInAnyOrder("worker-a", "worker-b");
        assertThat(summary.group(5)).as("moves").isEqualTo("1");
        assertThat(summary.group(6)).as("items in the cart").isEqualTo(summary.group(1));
        assertThat(summary.group(7)).as("state continuity").isEqualTo("true");
        assertThat(out).contains("[demo] OK: the session moved from").doesNotContain("did not stop in time");
        assertThat(leftovers(runId)).as("JVMs of the demo still running").isEmpty();
    }

    private static List<String> leftovers(String runId) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains("-Dsample.demo-run=" + runId)).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList();
    }

    private static Path repositoryRoot() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("demo.sh")) && Files.isDirectory(dir.resolve("samples"))) {
                return dir;
            }
        }
        throw new IOException("demo.sh not found above " + Path.of("").toAbsolutePath());
    }
}
