package io.costwatch.bench;

import io.costwatch.testing.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * Runs a {@link FloorTopology} over the bodies already on the raw topic with the Streams settings the real topology
 * runs with ({@link TopologyRun#streamsProperties}), until every sample reached its last step.
 */
final class FloorRun {

  /** One floor run's figures; the fields mean what {@link TopologyRun.Result}'s of the same name mean. */
  record Result(FloorTopology.Shape shape, String guarantee, long records, double firstToLastSeconds,
      double startToLastSeconds, double cpuSeconds, double streamThreadCpuSeconds, String loadBefore,
      String loadAfter) {

    double firstToLastRate() {
      return records / firstToLastSeconds;
    }
  }

  private static final Duration LIMIT = Duration.ofMinutes(10);

  private final TopologyRun settings;
  private int runs;

  /** @param settings the real topology's runner, whose Streams settings the floors share */
  FloorRun(TopologyRun settings) {
    this.settings = settings;
  }

  Result run(FloorTopology.Shape shape, String guarantee, String rawTopic, BenchInput input)
      throws IOException {
    Path stateDir = Files.createTempDirectory("costwatch-bench-floor-");
    FloorProgress progress = new FloorProgress(input.records());
    Properties props = settings.streamsProperties("costwatch-bench-floor-" + (++runs), guarantee, stateDir);
    KafkaStreams streams = new KafkaStreams(FloorTopology.build(shape, rawTopic, progress), props);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    streams.setUncaughtExceptionHandler(e -> {
      failure.compareAndSet(null, e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    try {
      String loadBefore = MachineStats.loadAverage();
      double cpuBefore = MachineStats.processCpuSeconds();
      long start = System.nanoTime();
      streams.start();
      boolean done = Poll.until(LIMIT, () -> {
        if (failure.get() != null || streams.state() == KafkaStreams.State.ERROR) {
          throw new IllegalStateException("Kafka Streams failed in the floor run: " + failure.get(), failure.get());
        }
        return progress.done() ? Optional.of(true) : Optional.<Boolean>empty();
      }).isPresent();
      if (!done) {
        throw new IllegalStateException("floor run " + shape + " did not finish within " + LIMIT + ": "
            + progress.samples() + " of " + input.records() + " samples, " + progress.bodies() + " bodies read");
      }
      return new Result(shape, guarantee, input.records(), (progress.lastNanos() - progress.firstInNanos()) / 1e9,
          (progress.lastNanos() - start) / 1e9, progress.cpuAtLast() - cpuBefore, progress.streamThreadCpuAtLast(),
          loadBefore, MachineStats.loadAverage());
    } finally {
      streams.close(Duration.ofSeconds(30));
      Utils.delete(stateDir.toFile());
    }
  }
}
