package io.costwatch.bench;

import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.testing.Fixtures;
import io.costwatch.testing.Poll;
import io.costwatch.topology.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Process start -> processing again of the real {@code costwatch run} (a child JVM, exactly-once v2, the settings of
 * {@link io.costwatch.cli.FastRestart}) against an embedded broker in this JVM. Per round, on one application id and
 * one state directory:
 *
 * <ol>
 *   <li>fresh: a load of metric bodies is waiting on the raw topic; the instance starts on an empty state directory
 *       (the baseline) and processes all of it;</li>
 *   <li>restart after SIGTERM: the instance is stopped gracefully, one body is produced, a new process starts on the
 *       same state directory;</li>
 *   <li>restart after {@code kill -9}: the same with {@code destroyForcibly}, while a second load is being
 *       processed, so a transaction is open and the exactly-once state has no checkpoint.</li>
 * </ol>
 *
 * Each start is timed from {@code ProcessBuilder.start()} to the {@code "costwatch run: RUNNING"} line (Kafka Streams
 * RUNNING) and to the first body read (the process's {@code costwatch_records_in_total} on /metrics above zero), with
 * the child's CPU time at that moment and the load average before it. Prints a Markdown table; asserts no time.
 *
 * <p>Run: {@code mvn -B -ntp -Pbench test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec@restart-to-processing}
 * (see pom.xml), options
 * {@code -Dbench.restart.rounds=2 -Dbench.restart.bodies=100}.
 */
public final class RestartBench {

  private static final Duration LIMIT = Duration.ofMinutes(8);
  private static final List<Process> CHILDREN = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static final Pattern RECORDS_IN =
      Pattern.compile("^costwatch_records_in_total\\{[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private RestartBench() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("bench.restart.rounds", 2);
    int bodies = Integer.getInteger("bench.restart.bodies", 100);
    // a failed round must not leave a costwatch process behind
    Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.forEach(Process::destroyForcibly)));
    Path target = Path.of(System.getProperty("bench.target", "target"));
    List<String> lines = new ArrayList<>();
    String started = Instant.now().toString();
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
            kafka.bootstrapServers(), "linger.ms", 20), new StringSerializer(), new StringSerializer())) {
      TopicAdmin.createMissing(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all());
      for (int round = 1; round <= rounds; round++) {
        round(kafka.bootstrapServers(), producer, round, bodies, target, lines);
      }
    }
    String table = String.format(Locale.ROOT, "Restart bench %s .. %s, %d round(s), %d bodies of 60 records per load%n"
        + "%n| round | start | process start -> RUNNING | -> first body read (/metrics) | -> raw offset committed | "
        + "child CPU s | load 1/5/15 min before |%n|---|---|---|---|---|---|---|%n%s%n", started, Instant.now(), rounds, bodies,
        String.join("\n", lines));
    System.out.println(table);
    Files.writeString(target.resolve("restart-bench.md"), table);
  }

  private static void round(String bootstrap, KafkaProducer<String, String> producer, int round, int bodies,
      Path target, List<String> lines) throws Exception {
    Path stateDir = Files.createTempDirectory("costwatch-restart-bench-");
    Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap,
        "COSTWATCH_APPLICATION_ID", "costwatch-restart-" + round + "-" + System.currentTimeMillis(),
        "COSTWATCH_STATE_DIR", stateDir.toString(), "COSTWATCH_HTTP_HOST", "127.0.0.1");
    try {
      // recent event times: the raw topic's retention deletes records stamped older than it
      Instant base = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(Duration.ofDays(1));
      load(producer, base, bodies, "a");
      Child fresh = Child.start(env, target.resolve("restart-bench-" + round + "-fresh.log"));
      lines.add(fresh.timed(round, "fresh state directory (baseline)"));
      fresh.awaitRecords(bodies + 0.0);
      fresh.stop(false);

      probe(producer, base.plus(Duration.ofHours(2)));
      Child graceful = Child.start(env, target.resolve("restart-bench-" + round + "-sigterm.log"));
      lines.add(graceful.timed(round, "restart after SIGTERM"));

      load(producer, base.plus(Duration.ofHours(3)), bodies, "b");
      graceful.awaitRecords(1 + bodies / 2.0);
      graceful.stop(true);
      probe(producer, base.plus(Duration.ofHours(5)));
      Child killed = Child.start(env, target.resolve("restart-bench-" + round + "-kill9.log"));
      lines.add(killed.timed(round, "restart after kill -9 mid-load"));
      killed.stop(false);
    } finally {
      Utils.delete(stateDir.toFile());
    }
  }

  /** {@code bodies} bodies of 20 minutes x 3 metrics of one cluster each, 100 clusters in 4 workspaces. */
  private static void load(KafkaProducer<String, String> producer, Instant start, int bodies, String tag)
      throws Exception {
    for (int i = 0; i < bodies; i++) {
      Instant at = start.plus(Duration.ofMinutes(20L * (i / 100)));
      producer.send(new ProducerRecord<>(Topics.METRICS_RAW.name(), null, at.toEpochMilli(), null,
          Fixtures.body(Fixtures.cluster("ws-" + (i % 4), "gpu-" + tag + (i % 100), at, 20, 5, 2, 1))));
    }
    producer.flush();
  }

  private static void probe(KafkaProducer<String, String> producer, Instant at) throws Exception {
    producer.send(new ProducerRecord<>(Topics.METRICS_RAW.name(), null, at.toEpochMilli(), null,
        Fixtures.body(Fixtures.cluster("ws-probe", "gpu-probe", at, 1, 5, 2, 1)))).get();
  }

  /** One {@code costwatch run} process, its stderr copied to a log file and watched for the RUNNING line. */
  private static final class Child {

    private final Process process;
    private final long startNanos;
    private final int port;
    private final String load;
    private final CountDownLatch running = new CountDownLatch(1);
    private String bootstrap;
    private String group;
    private volatile long runningNanos;

    private Child(Process process, long startNanos, int port, String load) {
      this.process = process;
      this.startNanos = startNanos;
      this.port = port;
      this.load = load;
    }

    static Child start(Map<String, String> env, Path log) throws IOException {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
          "-cp", System.getProperty("java.class.path"), "io.costwatch.cli.Costwatch", "run")
          .redirectErrorStream(true);
      builder.environment().putAll(env);
      builder.environment().put("COSTWATCH_HTTP_PORT", String.valueOf(port));
      String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
      String group = env.get("COSTWATCH_APPLICATION_ID");
      String load = MachineStats.loadAverage();
      long start = System.nanoTime();
      Child child = new Child(builder.start(), start, port, load);
      CHILDREN.add(child.process);
      child.bootstrap = bootstrap;
      child.group = group;
      Thread copier = new Thread(() -> child.copy(log), "restart-bench-log");
      copier.setDaemon(true);
      copier.start();
      return child;
    }

    private void copy(Path log) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (runningNanos == 0 && line.startsWith("costwatch run: RUNNING")) {
            runningNanos = System.nanoTime();
            running.countDown();
          }
          out.println(line);
        }
      } catch (IOException e) {
        System.err.println("restart bench: log copy ended: " + e);
      }
    }

    String timed(int round, String what) throws Exception {
      // the broker may not answer at once: ask again, a wrong baseline would time nothing
      long committedBefore = Poll.until(LIMIT, () -> Optional.of(committed()).filter(c -> c >= 0))
          .orElseThrow(() -> new IllegalStateException(what + ": no committed offsets answered within " + LIMIT));
      Clocks clocks = new Clocks();
      Poll.until(LIMIT, () -> {
        if (!process.isAlive()) {
          throw new IllegalStateException(what + ": the process ended with " + process.exitValue());
        }
        if (clocks.committedAt == 0 && committed() > committedBefore) {
          clocks.committedAt = System.nanoTime();
        }
        if (clocks.scrapeStartedAt == 0) {
          long before = System.nanoTime();
          if (recordsIn() >= 1) {
            clocks.scrapeStartedAt = before;
            clocks.scrapeSeconds = (System.nanoTime() - before) / 1e9;
          }
        }
        return clocks.scrapeStartedAt != 0 && clocks.committedAt != 0 ? Optional.of(clocks) : Optional.empty();
      }).orElseThrow(() -> new IllegalStateException(what + ": nothing read within " + LIMIT));
      long committedAt = clocks.committedAt;
      long scrapeStartedAt = clocks.scrapeStartedAt;
      double scrapeSeconds = clocks.scrapeSeconds;
      double first = (System.nanoTime() - startNanos) / 1e9;
      double cpu = process.info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
      first = (scrapeStartedAt - startNanos) / 1e9 + scrapeSeconds;
      if (!running.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException(what + ": no RUNNING line within " + LIMIT);
      }
      String line = String.format(Locale.ROOT, "| %d | %s | %.1f s | %.1f s (scrape %.1f s) | %.1f s | %.1f | %s |",
          round, what, (runningNanos - startNanos) / 1e9, first, scrapeSeconds, (committedAt - startNanos) / 1e9,
          cpu, load);
      System.out.println(line);
      return line;
    }

    /** Polls /metrics until the process has read at least {@code bodies} raw bodies. */
    void awaitRecords(double bodies) {
      Poll.until(LIMIT, () -> {
        if (!process.isAlive()) {
          throw new IllegalStateException("costwatch run exited with " + process.exitValue());
        }
        return recordsIn() >= bodies ? Optional.of(true) : Optional.<Boolean>empty();
      }).orElseThrow(() -> new IllegalStateException("fewer than " + bodies + " bodies read within " + LIMIT));
    }

    /** When the two clocks of a timed start saw the process at work. */
    private static final class Clocks {
      long committedAt;
      long scrapeStartedAt;
      double scrapeSeconds;
    }

    /** Sum of the group's committed offsets on the raw metrics topic (exactly-once: moves with each commit). */
    private long committed() {
      try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
          Map.of("bootstrap.servers", bootstrap))) {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
            .entrySet().stream().filter(e -> e.getKey().topic().equals(Topics.METRICS_RAW.name()))
            .mapToLong(e -> e.getValue() == null ? 0 : e.getValue().offset()).sum();
      } catch (Exception e) {
        return -1;
      }
    }

    private double recordsIn() {
      try {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        Matcher m = RECORDS_IN.matcher(text);
        while (m.find()) {
          sum += Double.parseDouble(m.group(1));
        }
        return sum;
      } catch (IOException e) {
        return 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      }
    }

    void stop(boolean kill) throws InterruptedException {
      if (kill) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
