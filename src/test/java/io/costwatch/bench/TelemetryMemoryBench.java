package io.costwatch.bench;

import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Memory at estate scale: {@code bench.memory.workspaces} workspaces of ten GPU clusters each (10,000 workspaces
 * are 100,000 computes), each workspace sending {@code bench.memory.samples} one-minute bodies ({@link MetricBodies},
 * 50 records: five metrics per cluster), every sample in its own 15-minute window and the next one past the
 * previous window's end plus grace. So every compute has an open window and state in every store on its path,
 * and every window but the last closes by the scope's own event time and reaches detection, the lifecycle and the
 * alert gauges (a third of the clusters are idle, so about a third of the closed windows raise an alert).
 *
 * <p>The broker and the producer live in this JVM; the topology runs in a child JVM ({@link MemoryRun}) with
 * {@code -Xmx}{@code bench.memory.heap}, the Micrometer registry of {@code costwatch run} and exactly_once_v2, so
 * its heap after a full collection is the application's alone. Bodies are generated while they are sent, never
 * held. After each child this JVM walks its state directory and sums the bytes per store.
 *
 * <p>System properties: {@code bench.memory.workspaces} (comma-separated sizes, 10000), {@code bench.memory.samples}
 * (2), {@code bench.memory.heap} (512m), {@code bench.target} (target). Writes {@code telemetry-memory.md} there.
 */
public final class TelemetryMemoryBench {

  /** Sample {@code s} of a workspace is at minute {@code 21 s}: past the window (15 min) plus grace (5 min). */
  static final Duration SAMPLE_STEP = Duration.ofMinutes(21);

  private TelemetryMemoryBench() {
  }

  /** One size's figures: the child's properties and the state directory's bytes per store. */
  record Run(int workspaces, int samples, long records, double produceSeconds, int exitCode, Properties figures,
      Map<String, Long> storeBytes) {

    long computes() {
      return (long) workspaces * MetricBodies.COMPUTES_PER_WORKSPACE;
    }

    String figure(String key) {
      return figures.getProperty(key, "n/a");
    }

    double number(String key) {
      try {
        return Double.parseDouble(figure(key));
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }

    long stateBytes() {
      return storeBytes.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    List<Integer> sizes = Stream.of(System.getProperty("bench.memory.workspaces", "10000").split(","))
        .map(String::trim).map(Integer::valueOf).toList();
    int samples = Integer.getInteger("bench.memory.samples", 2);
    String heap = System.getProperty("bench.memory.heap", "512m");
    Path target = Path.of(System.getProperty("bench.target", "target"));
    if (samples < 2) {
      throw new IllegalArgumentException("bench.memory.samples must be >= 2, so that windows close");
    }
    String loadAtStart = MachineStats.loadAverage();
    List<Run> runs = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
      Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
      TopicAdmin.createMissing(client, Topics.all());
      RawBaseline raw = new RawBaseline(client, Topics.METRICS_RAW.name());
      for (int workspaces : sizes) {
        raw.truncate();
        runs.add(run(kafka.bootstrapServers(), client, workspaces, samples, heap));
      }
    }
    String report = render(runs, heap, loadAtStart, MachineStats.loadAverage());
    System.out.println(report);
    Files.createDirectories(target);
    Files.writeString(target.resolve("telemetry-memory.md"), report);
    System.exit(0);
  }

  private static Run run(String bootstrap, Map<String, Object> client, int workspaces, int samples, String heap)
      throws IOException, InterruptedException {
    System.err.printf(Locale.ROOT, "bench: memory run, %d workspaces x %d samples ...%n", workspaces, samples);
    long start = System.nanoTime();
    long records = produce(client, workspaces, samples);
    double produceSeconds = (System.nanoTime() - start) / 1e9;
    Path stateDir = Files.createTempDirectory("costwatch-memory-state-");
    Path out = Files.createTempFile("costwatch-memory-", ".properties");
    String applicationId = "costwatch-memory-" + workspaces;
    long expectedWindows = (long) workspaces * MetricBodies.COMPUTES_PER_WORKSPACE * (samples - 1);
    try {
      List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.kstream.internals.KStreamWindowAggregate=error",
          "-cp", System.getProperty("java.class.path"), MemoryRun.class.getName(), bootstrap,
          stateDir.toAbsolutePath().toString(), applicationId, Long.toString(expectedWindows),
          Long.toString((long) workspaces * samples), out.toAbsolutePath().toString());
      Process child = new ProcessBuilder(command).inheritIO().start();
      if (!child.waitFor(3, TimeUnit.HOURS)) {
        child.destroyForcibly();
      }
      Properties figures = new Properties();
      if (Files.size(out) > 0) {
        try (InputStream in = Files.newInputStream(out)) {
          figures.load(in);
        }
      }
      return new Run(workspaces, samples, records, produceSeconds, child.exitValue(), figures,
          storeBytes(stateDir.resolve(applicationId)));
    } finally {
      Utils.delete(stateDir.toFile());
      Files.deleteIfExists(out);
    }
  }

  /** Sends every workspace's samples, minute by minute across the estate; returns the metric records sent. */
  private static long produce(Map<String, Object> client, int workspaces, int samples) {
    Map<String, Object> config = new HashMap<>(client);
    config.put("linger.ms", 20);
    config.put("batch.size", 262_144);
    config.put("acks", "all");
    config.put("enable.idempotence", true);
    MetricBodies generator = new MetricBodies(20250615L);
    long records = 0;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
        new ByteArraySerializer())) {
      for (int s = 0; s < samples; s++) {
        Instant minute = BenchInput.START.plus(SAMPLE_STEP.multipliedBy(s));
        long timestamp = minute.plus(Duration.ofMinutes(1)).toEpochMilli();
        for (int w = 0; w < workspaces; w++) {
          MetricBodies.Shape shape = w % 2 == 0 ? MetricBodies.Shape.DIAGNOSTIC : MetricBodies.Shape.DCR;
          byte[] body = generator.body(shape, w, minute).getBytes(StandardCharsets.UTF_8);
          producer.send(new ProducerRecord<>(Topics.METRICS_RAW.name(), null, timestamp, MetricBodies.key(w), body));
          records += MetricBodies.RECORDS_PER_BODY;
        }
      }
      producer.flush();
    }
    return records;
  }

  /**
   * Bytes on disk per store, over every task: {@code <task>/rocksdb/<store>/...} for key-value stores,
   * {@code <task>/<store>/<segment>/...} for segmented (window) stores; task files (checkpoints) are summed apart.
   */
  static Map<String, Long> storeBytes(Path appDir) throws IOException {
    Map<String, Long> bytes = new TreeMap<>();
    if (!Files.isDirectory(appDir)) {
      return bytes;
    }
    try (Stream<Path> files = Files.walk(appDir)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        Path relative = appDir.relativize(file);
        String store;
        if (relative.getNameCount() < 3) {
          store = "(task files)";
        } else if (relative.getName(1).toString().equals("rocksdb") && relative.getNameCount() >= 4) {
          store = relative.getName(2).toString();
        } else {
          store = relative.getName(1).toString();
        }
        bytes.merge(store, Files.size(file), Long::sum);
      }
    }
    return bytes;
  }

  static String render(List<Run> runs, String heap, String loadAtStart, String loadAtEnd) {
    StringBuilder out = new StringBuilder();
    out.append("## Telemetry memory run\n\n")
        .append(String.format(Locale.ROOT, "Machine: %s. Topology JVM: -Xmx%s, exactly_once_v2, the Micrometer "
            + "registry of `costwatch run` (JVM and Kafka Streams binders). Load average at start %s, at end %s.%n%n",
            MachineStats.cpuModel(), heap, loadAtStart, loadAtEnd));
    out.append("| workspaces | computes | records | windows closed | alerts | heap after GC | max RSS | meters "
        + "| state on disk | records/s (first in to last window) | CPU-s | CPU-s per 100k | load before -> after "
        + "| complete |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (Run r : runs) {
      double seconds = r.number("firstToLastSeconds");
      double cpu = r.number("cpuSeconds");
      out.append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %s | %s | %s MiB | %s MiB | %s | %.1f MiB | %,.0f "
              + "| %.0f | %.1f | %s -> %s | %s |%n", r.workspaces(), r.computes(), r.records(), r.figure("windows"),
          r.figure("alerts"), r.figure("heapAfterGcMib"), r.figure("maxRssMib"), r.figure("meters"),
          r.stateBytes() / 1048576.0, r.records() / seconds, cpu, cpu * 100_000 / r.records(),
          r.figure("loadBefore"), r.figure("loadAfter"),
          r.exitCode() == 0 ? r.figure("complete") : "child exited " + r.exitCode()));
    }
    out.append("\nState on disk per store (MiB, every task, after Streams closed):\n\n| store |");
    runs.forEach(r -> out.append(String.format(Locale.ROOT, " %,d workspaces |", r.workspaces())));
    out.append("\n|---|").append("---:|".repeat(runs.size())).append('\n');
    TreeMap<String, Boolean> stores = new TreeMap<>();
    runs.forEach(r -> r.storeBytes().keySet().forEach(s -> stores.put(s, true)));
    for (String store : stores.keySet()) {
      out.append("| ").append(store).append(" |");
      for (Run r : runs) {
        out.append(String.format(Locale.ROOT, " %.2f |", r.storeBytes().getOrDefault(store, 0L) / 1048576.0));
      }
      out.append('\n');
    }
    for (Run r : runs) {
      out.append(String.format(Locale.ROOT, "%n%,d workspaces: meters with the most series: %s.%n%n",
          r.workspaces(), r.figure("meterNames")));
      out.append("```\n").append(r.figure("histogram")).append("\n```\n");
    }
    return out.toString();
  }
}
