import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The demo's HTTP client when {@code curl} is not installed: run as a JDK single-file program
 * ({@code java Http.java GET url} or {@code java Http.java POST url outFile}). GET prints the body and fails
 * on a non-2xx status; POST writes the body to {@code outFile} and prints the status code, like
 * {@code curl -o outFile -w '%{http_code}'}.
 */
public class Http {
    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        boolean post = args[0].equals("POST");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(args[1])).timeout(Duration.ofSeconds(120));
        request = post ? request.POST(HttpRequest.BodyPublishers.noBody()) : request.GET();
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (post) {
            Files.writeString(Path.of(args[2]), response.body());
            System.out.print(response.statusCode());
            return;
        }
        System.out.print(response.body());
        if (response.statusCode() / 100 != 2) {
            System.exit(22);
        }
    }
}
