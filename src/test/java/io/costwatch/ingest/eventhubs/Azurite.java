package io.costwatch.ingest.eventhubs;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azurite's blob service as a child process, on a free loopback port with in-memory storage. Tests never install
 * it: they find {@code azurite-blob} through {@code AZURITE_BIN} or {@code PATH} and skip when it is absent.
 */
final class Azurite implements AutoCloseable {

  static final String ACCOUNT_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  private static final Pattern LISTENING = Pattern.compile("listens on http://127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final int port;

  private Azurite(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The {@code azurite-blob} executable from {@code AZURITE_BIN} or {@code PATH}, or null. */
  static Path find() {
    String configured = System.getenv("AZURITE_BIN");
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      return Files.isExecutable(path) ? path : null;
    }
    String pathVariable = System.getenv("PATH");
    if (pathVariable == null) {
      return null;
    }
    for (String dir : pathVariable.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "azurite-blob");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static Azurite start(Path executable) throws IOException {
    Process process = new ProcessBuilder(executable.toString(), "--inMemoryPersistence", "--blobHost", "127.0.0.1",
        "--blobPort", "0", "--skipApiVersionCheck")
        .redirectErrorStream(true)
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
        throw new IllegalStateException("Azurite exited before listening");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      int listening = port.get(60, TimeUnit.SECONDS);
      CompletableFuture.runAsync(() -> out.lines().forEach(line -> { })); // keep draining its output
      return new Azurite(process, listening);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("Azurite did not start: " + e, e);
    }
  }

  String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + ACCOUNT_KEY
        + ";BlobEndpoint=http://127.0.0.1:" + port + "/devstoreaccount1;";
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(3, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
