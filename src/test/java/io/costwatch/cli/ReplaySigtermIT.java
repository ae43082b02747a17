package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.testing.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code replay} ended by SIGTERM (a timeout, Ctrl-C) leaves neither its broker log nor its Streams state behind
 * (issue 16): a child JVM runs the replay with {@code --work-dir}, is terminated once both directories exist, and
 * the work dir must be empty of them afterwards.
 */
class ReplaySigtermIT {

  @TempDir
  Path dir;

  @Test
  void sigtermRemovesTheTemporaryBrokerAndStateDirectories() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Path input = dir.resolve("inputs");
    assertEquals(0, Costwatch.execute("demo", "--write-inputs", input.toString()));
    Path log = dir.resolve("child.log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xmx768m", "-cp", System.getProperty("java.class.path"),
        Costwatch.class.getName(), "replay", "--billing", input.resolve("billing").toString(),
        "--metrics", input.resolve("metrics.jsonl").toString(), "--out", dir.resolve("out").toString(),
        "--work-dir", work.toString()));
    Process replay = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Poll.await(Duration.ofMinutes(3), () -> !managed(work, "costwatch-kafka-").isEmpty()
              && !managed(work, "costwatch-replay-state-").isEmpty() && brokerHasData(work) || !replay.isAlive(),
          () -> "the replay's directories in " + work);
      assertTrue(replay.isAlive(), () -> "the replay ended before it was terminated: " + read(log));

      replay.destroy(); // SIGTERM

      assertTrue(replay.waitFor(2, TimeUnit.MINUTES), "the replay did not stop after SIGTERM");
      assertEquals(List.of(), managed(work, "costwatch-"), () -> "left behind; child output: " + read(log));
    } finally {
      replay.destroyForcibly();
    }
  }

  private static boolean brokerHasData(Path work) {
    return managed(work, "costwatch-kafka-").stream().anyMatch(d -> Files.exists(d.resolve("data/meta.properties")));
  }

  private static List<Path> managed(Path work, String prefix) {
    try (Stream<Path> list = Files.list(work)) {
      return list.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
