package io.costwatch.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code costwatch} as users start it: a separate JVM on the build's classes and runtime classpath, configured by
 * environment variables only, its stdout and stderr kept in files. {@link #kill()} is {@code kill -9}, {@link #stop()}
 * is SIGTERM.
 */
public final class CostwatchProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private CostwatchProcess(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code costwatch args...} with exactly {@code env} as its {@code KAFKA_*} and {@code COSTWATCH_*}
   * settings (inherited ones are removed), logging to {@code logDir/name.out} and {@code .err}.
   */
  public static CostwatchProcess start(Path logDir, String name, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xmx768m", "-XX:+UseSerialGC",
        // warnings only, but the changelog reader says what it restored (a graceful restart must restore nothing)
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.processor.internals.StoreChangelogReader=info",
        // and whether Streams closed completely within its timeout (a clean close writes the checkpoints)
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.KafkaStreams=info",
        "-cp", classpath(), "io.costwatch.cli.Costwatch"));
    command.addAll(List.of(args));
    try {
      Files.createDirectories(logDir);
      Path out = logDir.resolve(name + ".out");
      Path err = logDir.resolve(name + ".err");
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      builder.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("COSTWATCH_"));
      builder.environment().putAll(env);
      return new CostwatchProcess(name, builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** The compiled main classes and the dependency list the pom's {@code test-classpath} execution writes. */
  static String classpath() {
    Path classes = Path.of("target", "classes");
    Path dependencies = Path.of("target", "test-classpath.txt");
    if (!Files.isDirectory(classes) || !Files.isRegularFile(dependencies)) {
      throw new IllegalStateException("run through Maven (test-compile writes " + dependencies + " and "
          + classes + ")");
    }
    try {
      return classes.toAbsolutePath() + File.pathSeparator + Files.readString(dependencies).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until stderr contains {@code text}; fails early with the log when the process exits first. */
  public void awaitLog(String text, Duration timeout) {
    Poll.await(timeout, () -> {
      if (stderr().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        throw new AssertionError("costwatch exited with " + process.exitValue() + " before logging '" + text
            + "':\n" + tail());
      }
      return false;
    }, () -> "'" + text + "' in " + stderr + ":\n" + tail());
  }

  /** {@code kill -9}: no shutdown hook, no commit, no checkpoint. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** SIGTERM: the shutdown hook closes Streams and commits. Returns the exit code. */
  public int stop() {
    process.destroy();
    return awaitExit(Duration.ofSeconds(90));
  }

  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("costwatch did not exit within " + timeout + ":\n" + tail());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  /** The last lines of stderr, for failure messages. */
  public String tail() {
    List<String> lines = stderr().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "costwatch " + name;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(30));
    }
  }
}
