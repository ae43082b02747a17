package io.costwatch.cli;

import io.costwatch.alert.AlertEvent;
import io.costwatch.recommend.RecommendationEvent;
import io.costwatch.topology.DeadLetter;
import io.costwatch.topology.FlushMarker;
import io.costwatch.topology.Topics;
import io.costwatch.usage.DailySpend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the output topics of a bounded run with {@code read_committed}, so it sees exactly what exactly-once
 * processing committed, and tells when the end-of-input acknowledgements have arrived.
 */
final class OutputCollector implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final List<AlertEvent> alerts = new ArrayList<>();
  private final List<RecommendationEvent> recommendations = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private final Map<String, DailySpend> dailySpend = new java.util.TreeMap<>();
  private final Map<String, List<DailySpend>> dailySpendUpdates = new java.util.TreeMap<>();
  private final Map<String, Set<String>> acknowledged = new HashMap<>();
  private final Consumer<Object> listener;

  OutputCollector(KafkaConnection kafka, Consumer<Object> listener) {
    Map<String, Object> config = new HashMap<>(kafka.clientConfig());
    config.put("isolation.level", "read_committed");
    config.put("enable.auto.commit", false);
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.listener = listener;
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(Topics.ALERTS.name(), Topics.RECOMMENDATIONS.name(), Topics.DEAD_LETTERS.name(),
        Topics.CONTROL.name(), Topics.DAILY_SPEND.name())) {
      consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /**
   * Polls until every stage has acknowledged the end of input on every path it names (detection task / lifecycle
   * task, see {@link io.costwatch.topology.FlushMarker}), then reads to the end.
   */
  void awaitEndOfInput(Map<String, Set<String>> paths, Duration timeout, Runnable checkAlive) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!paths.entrySet().stream().allMatch(e -> acknowledged.getOrDefault(e.getKey(), Set.of())
        .containsAll(e.getValue()))) {
      checkAlive.run();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pipeline did not finish within " + timeout + "; acknowledged so far: "
            + acknowledged);
      }
      poll();
    }
    drainToEnd();
  }

  /**
   * Keeps reading (and notifying the listener) for {@code duration}, or until the calling thread is interrupted: an
   * interrupt ends the wait early and is cleared, so that the caller's orderly shutdown that follows is not disturbed.
   */
  void follow(Duration duration, Runnable checkAlive) {
    long deadline = System.nanoTime() + duration.toNanos();
    try {
      while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
        checkAlive.run();
        poll();
      }
    } catch (org.apache.kafka.common.errors.InterruptException e) {
      // the consumer turns an interrupt during poll into this exception: same meaning, stop following
    }
    Thread.interrupted();
  }

  private void drainToEnd() {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      poll();
    }
  }

  private void poll() {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      String topic = r.topic();
      if (topic.equals(Topics.CONTROL.name())) {
        org.apache.kafka.common.header.Header path = r.headers().lastHeader(FlushMarker.PATH_HEADER);
        acknowledged.computeIfAbsent(r.key(), k -> new HashSet<>())
            .add(path == null ? "0/0" : new String(path.value(), java.nio.charset.StandardCharsets.UTF_8));
      } else if (topic.equals(Topics.ALERTS.name())) {
        add(alerts, Topics.ALERTS.valueSerde().deserializer().deserialize(topic, r.value()));
      } else if (topic.equals(Topics.DAILY_SPEND.name())) {
        DailySpend spend = Topics.DAILY_SPEND.valueSerde().deserializer().deserialize(topic, r.value());
        dailySpend.put(r.key(), spend);
        dailySpendUpdates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(spend);
      } else if (topic.equals(Topics.RECOMMENDATIONS.name())) {
        add(recommendations, Topics.RECOMMENDATIONS.valueSerde().deserializer().deserialize(topic, r.value()));
      } else {
        add(deadLetters, Topics.DEAD_LETTERS.valueSerde().deserializer().deserialize(topic, r.value()));
      }
    }
  }

  private <T> void add(List<T> list, T value) {
    list.add(value);
    listener.accept(value);
  }

  List<AlertEvent> alerts() {
    return alerts;
  }

  List<RecommendationEvent> recommendations() {
    return recommendations;
  }

  List<DeadLetter> deadLetters() {
    return deadLetters;
  }

  /** The latest usage spend of every workspace, currency and day (what the compacted topic converges to). */
  Map<String, DailySpend> dailySpend() {
    return dailySpend;
  }

  /** Every usage spend published for each workspace, currency and day, in the order published (one partition each). */
  Map<String, List<DailySpend>> dailySpendUpdates() {
    return dailySpendUpdates;
  }

  Map<String, Long> alertsByType() {
    return alerts.stream().collect(Collectors.groupingBy(AlertEvent::type, java.util.TreeMap::new,
        Collectors.counting()));
  }

  @Override
  public void close() {
    consumer.close();
  }
}
