package io.costwatch.bench;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.metrics.MicrometerPipelineMetrics;
import io.costwatch.testing.Poll;
import io.costwatch.topology.CostTopology;
import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.StreamErrors;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * The child JVM of {@link TelemetryMemoryBench}: the real topology over the pre-filled raw metrics topic, with the
 * Micrometer registry {@code costwatch run} uses (JVM and Kafka Streams binders included), in a heap as small as
 * the bench asks ({@code -Xmx}). Nothing else lives in this JVM (the broker and the producer are in the parent),
 * so the heap after a full collection is the application's live set.
 *
 * <p>Runs until {@code expectedWindows} windows reached detection and the alert count stopped moving, then
 * measures (heap after GC, peak RSS, meters, a class histogram by {@code jcmd}), closes Streams and writes the
 * figures as a properties file ({@code out}); the parent walks the state directory.
 *
 * <p>Arguments: {@code bootstrap stateDir applicationId expectedWindows bodies out}.
 */
final class MemoryRun {

  private static final Duration RUN_LIMIT = Duration.ofHours(2);
  private static final Duration STALL = Duration.ofMinutes(3);
  private static final int HISTOGRAM_LINES = 15;
  /** Costwatch and Micrometer classes below the head: what grows with scopes in our code. */
  private static final int OUR_LINES = 10;

  private MemoryRun() {
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    String bootstrap = args[0];
    Path stateDir = Path.of(args[1]);
    String applicationId = args[2];
    long expectedWindows = Long.parseLong(args[3]);
    long bodies = Long.parseLong(args[4]);
    Path out = Path.of(args[5]);

    Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
    AppConfig config = ConfigLoader.load(Map.of()).withKafka(client).withApplication(applicationId, stateDir);
    CountingMetrics counting = new CountingMetrics(expectedWindows);
    MicrometerPipelineMetrics micrometer = new MicrometerPipelineMetrics(
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), config.workspaceLabelCap()).bindJvmMetrics();
    PipelineMetrics metrics = new Tee(counting, micrometer);
    KafkaStreams streams = new KafkaStreams(CostTopology.build(config, metrics), properties(client, config, metrics));
    micrometer.bindKafkaStreams(streams);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    streams.setUncaughtExceptionHandler(e -> {
      failure.compareAndSet(null, e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    Properties result = new Properties();
    String loadBefore = MachineStats.loadAverage();
    double cpuBefore = MachineStats.processCpuSeconds();
    long start = System.nanoTime();
    streams.start();
    boolean complete = awaitWindows(streams, counting, failure, bodies);
    long alerts = awaitAlertsSettled(counting);
    double cpu = counting.cpuAtLastWindow() - cpuBefore;
    put(result, "complete", complete);
    put(result, "bodies", counting.bodies());
    put(result, "windows", counting.windows());
    put(result, "alerts", alerts);
    put(result, "rejected", counting.rejected());
    put(result, "firstToLastSeconds", (counting.lastWindowNanos() - counting.firstInNanos()) / 1e9);
    put(result, "startToLastSeconds", (counting.lastWindowNanos() - start) / 1e9);
    put(result, "cpuSeconds", cpu);
    put(result, "loadBefore", loadBefore);
    put(result, "loadAfter", MachineStats.loadAverage());
    put(result, "heapAfterGcMib", MachineStats.heapUsedAfterGcMib());
    put(result, "heapMaxMib", MachineStats.heapMaxMib());
    put(result, "maxRssMib", MachineStats.maxRssMib());
    List<Meter> meters = micrometer.registry().getMeters();
    put(result, "meters", meters.size());
    put(result, "meterNames", topMeterNames(meters));
    put(result, "histogram", histogram());
    streams.close(Duration.ofSeconds(60));
    micrometer.close();
    try (OutputStream file = Files.newOutputStream(out)) {
      result.store(file, "MemoryRun " + applicationId);
    }
    System.exit(0);
  }

  /** The settings of {@code costwatch run} on one broker, plus the bench's fixes of {@link TopologyRun}. */
  private static Properties properties(Map<String, Object> client, AppConfig config, PipelineMetrics metrics) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024L);
    StreamErrors.configure(props, metrics);
    props.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, TopologyRun.REPARTITION_PURGE_MS);
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, TopologyRun.MAX_TASK_IDLE_MS);
    return props;
  }

  /** True once every expected window was evaluated; false when the windows stopped coming (late records). */
  private static boolean awaitWindows(KafkaStreams streams, CountingMetrics counting,
      AtomicReference<Throwable> failure, long bodies) {
    long[] seen = {-1, 0};
    Optional<Boolean> done = Poll.until(RUN_LIMIT, () -> {
      if (counting.done()) {
        return Optional.of(true);
      }
      if (failure.get() != null || streams.state() == KafkaStreams.State.ERROR) {
        throw new IllegalStateException("Kafka Streams failed: " + failure.get(), failure.get());
      }
      long progress = counting.bodies() + counting.windows();
      long now = System.nanoTime();
      if (progress != seen[0]) {
        seen[0] = progress;
        seen[1] = now + STALL.toNanos();
      } else if (now > seen[1]) {
        if (counting.bodies() >= bodies && counting.windows() > 0) {
          return Optional.of(false);
        }
        throw new IllegalStateException("no progress for " + STALL + ": " + counting.bodies() + " of " + bodies
            + " bodies, " + counting.windows() + " of " + counting.expectedWindows() + " windows");
      }
      return Optional.empty();
    });
    return done.orElseThrow(() -> new IllegalStateException("the run did not finish within " + RUN_LIMIT));
  }

  /** Alerts of the last windows are published after them: waits until the count held still for 5 s. */
  private static long awaitAlertsSettled(CountingMetrics counting) {
    long[] last = {-1, 0};
    return Poll.until(Duration.ofMinutes(2), () -> {
      long now = System.nanoTime();
      if (counting.alerts() != last[0]) {
        last[0] = counting.alerts();
        last[1] = now;
      } else if (now - last[1] > TimeUnit.SECONDS.toNanos(5)) {
        return Optional.of(last[0]);
      }
      return Optional.empty();
    }).orElse(counting.alerts());
  }

  /** The ten meter names with the most series, e.g. {@code kafka.stream.state.put.rate=120}. */
  private static String topMeterNames(List<Meter> meters) {
    Map<String, Long> byName = meters.stream()
        .collect(Collectors.groupingBy(m -> m.getId().getName(), TreeMap::new, Collectors.counting()));
    return byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }

  /** The head of {@code jcmd <pid> GC.class_histogram} (which collects first): the classes holding the heap. */
  private static String histogram() {
    try {
      Process jcmd = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
          .redirectErrorStream(true).start();
      String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(2, TimeUnit.MINUTES);
      List<String> lines = text.lines().skip(1).toList();
      String head = lines.stream().limit(HISTOGRAM_LINES + 2L).collect(Collectors.joining("\n"));
      String ours = lines.stream().skip(HISTOGRAM_LINES + 2L)
          .filter(l -> l.contains("io.costwatch") || l.contains("io.micrometer")).limit(OUR_LINES)
          .collect(Collectors.joining("\n"));
      return head + "\n...\n" + ours;
    } catch (IOException e) {
      return "jcmd failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static void put(Properties p, String key, Object value) {
    p.setProperty(key, String.valueOf(value));
  }

  /** Every call reaches both hooks: the counting stopwatch and the Micrometer registry being measured. */
  private record Tee(PipelineMetrics first, PipelineMetrics second) implements PipelineMetrics {

    private void both(java.util.function.Consumer<PipelineMetrics> call) {
      call.accept(first);
      call.accept(second);
    }

    @Override
    public void recordIn(String topic) {
      both(m -> m.recordIn(topic));
    }

    @Override
    public void recordRejected(String topic, String reason) {
      both(m -> m.recordRejected(topic, reason));
    }

    @Override
    public void recordIgnored(String topic, String reason) {
      both(m -> m.recordIgnored(topic, reason));
    }

    @Override
    public void usageWindow(String workspace, String cluster, double burnRatePerHour, String currency,
        double gpuUtilizationPercent) {
      both(m -> m.usageWindow(workspace, cluster, burnRatePerHour, currency, gpuUtilizationPercent));
    }

    @Override
    public void alertPublished(String alertId, String type, String severity, String status, String currency,
        double wastePerHour, String action, double savingsPerMonth) {
      both(m -> m.alertPublished(alertId, type, severity, status, currency, wastePerHour, action, savingsPerMonth));
    }

    @Override
    public void alertRestored(String alertId, String type, String severity, String currency, double wastePerHour,
        String action, double savingsPerMonth) {
      both(m -> m.alertRestored(alertId, type, severity, currency, wastePerHour, action, savingsPerMonth));
    }

    @Override
    public void alertsReleased(Collection<String> alertIds) {
      both(m -> m.alertsReleased(alertIds));
    }

    @Override
    public void windowToAlertLatency(Duration latency) {
      both(m -> m.windowToAlertLatency(latency));
    }

    @Override
    public void eventTimeLag(String input, Duration lag) {
      both(m -> m.eventTimeLag(input, lag));
    }

    @Override
    public void reconciliation(String workspace, String currency, double estimated, double billed) {
      both(m -> m.reconciliation(workspace, currency, estimated, billed));
    }

    @Override
    public void exportRunEnded(String outcome, long retracted) {
      both(m -> m.exportRunEnded(outcome, retracted));
    }
  }
}
