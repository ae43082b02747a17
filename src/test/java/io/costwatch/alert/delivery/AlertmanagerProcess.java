package io.costwatch.alert.delivery;

import io.costwatch.testing.Poll;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A real Alertmanager on a free loopback port, clustering off, config and storage in a temporary directory. */
public final class AlertmanagerProcess implements AutoCloseable {

  public static final List<String> NAMES = List.of("alertmanager", "prometheus-alertmanager");

  private final Process process;
  private final URI base;
  private final Path log;
  private final List<String> command;

  private AlertmanagerProcess(Process process, URI base, Path log, List<String> command) {
    this.process = process;
    this.base = base;
    this.log = log;
    this.command = command;
  }

  /** {@code $ALERTMANAGER_BIN}, else {@code alertmanager} or {@code prometheus-alertmanager} on the PATH. */
  public static Optional<Path> binary() {
    return io.costwatch.testing.Binaries.find("ALERTMANAGER_BIN", NAMES);
  }

  public static AlertmanagerProcess start(Path binary, Path dir) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path config = Files.writeString(dir.resolve("alertmanager.yml"), """
        route:
          receiver: blackhole
          group_wait: 1s
        receivers:
          - name: blackhole
        """);
    Path log = dir.resolve("alertmanager.log");
    List<String> command = List.of(binary.toString(), "--web.listen-address=127.0.0.1:" + port,
        "--storage.path=" + dir.resolve("data"), "--config.file=" + config, "--cluster.listen-address=");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    AlertmanagerProcess am = new AlertmanagerProcess(process, URI.create("http://127.0.0.1:" + port), log, command);
    am.awaitReady();
    return am;
  }

  public URI base() {
    return base;
  }

  List<String> command() {
    return command;
  }

  /** {@code GET /api/v2/alerts} as raw JSON. */
  public String alerts() throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(base.resolve("/api/v2/alerts")).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private void awaitReady() throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    boolean ready = Poll.until(Duration.ofSeconds(30), () -> {
      if (!process.isAlive()) {
        return Optional.of(false);
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/-/ready"))
            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode() == 200 ? Optional.of(true) : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of(false);
      }
    }).orElse(false);
    if (!ready) {
      close();
      throw new IllegalStateException("Alertmanager did not become ready: " + command + "\n" + Files.readString(log));
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
