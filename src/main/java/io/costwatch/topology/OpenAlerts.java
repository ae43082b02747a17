package io.costwatch.topology;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.lifecycle.AlertLifecycle;
import io.costwatch.alert.lifecycle.AlertState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The open alerts as the lifecycle store holds them, read with interactive queries (IQv2). The store is partitioned
 * by fingerprint over the instances of the application, so one instance answers for the partitions it owns as active
 * and says which ones those are; whoever merges the answers of all instances checks that together they cover every
 * partition the group's assignment names ({@link #assignedPartitions}), so an answer read in the middle of a
 * rebalance (a task restoring, a task that just moved) is recognised as incomplete instead of silently missing
 * alerts.
 */
public final class OpenAlerts {

  /** The lifecycle's state store: one {@link AlertState} per fingerprint. */
  public static final String STORE = AlertLifecycleProcessor.STORE;
  /** Suffix of the repartition topic whose partitions are the lifecycle store's partitions. */
  private static final String SOURCE_SUFFIX = "-alert-lifecycle-by-fingerprint-repartition";

  /**
   * The open alerts of this instance's active lifecycle partitions.
   *
   * @param alerts the published shape of each firing alert (status OPEN, as when it opened, with its current
   *     impact and episode)
   * @param partitions the lifecycle partitions this instance answered for
   */
  public record Answer(List<AlertEvent> alerts, Set<Integer> partitions) {

    public Answer {
      alerts = List.copyOf(alerts);
      partitions = Set.copyOf(partitions);
    }
  }

  /** The store cannot be read right now (not started, rebalancing, restoring): try again shortly. */
  public static final class Unavailable extends RuntimeException {

    public Unavailable(String message) {
      super(message);
    }
  }

  private OpenAlerts() {
  }

  /**
   * Reads this instance's active partitions of the lifecycle store. A partition held as a standby is skipped (its
   * active copy answers elsewhere); any other failure makes the whole answer {@link Unavailable}.
   */
  public static Answer local(KafkaStreams streams, Predicate<AlertEvent> filter) {
    if (streams.state() != KafkaStreams.State.RUNNING) {
      throw new Unavailable("Kafka Streams is " + streams.state() + ", not RUNNING");
    }
    StateQueryRequest<KeyValueIterator<String, AlertState>> request = StateQueryRequest.inStore(STORE)
        .withQuery(RangeQuery.<String, AlertState>withNoBounds()).requireActive();
    StateQueryResult<KeyValueIterator<String, AlertState>> result;
    try {
      result = streams.query(request);
    } catch (RuntimeException e) {
      throw new Unavailable("the lifecycle store cannot be queried: " + e.getMessage());
    }
    List<AlertEvent> alerts = new ArrayList<>();
    Set<Integer> partitions = new TreeSet<>();
    String failure = null;
    for (Map.Entry<Integer, QueryResult<KeyValueIterator<String, AlertState>>> e
        : result.getPartitionResults().entrySet()) {
      QueryResult<KeyValueIterator<String, AlertState>> partition = e.getValue();
      if (!partition.isSuccess()) {
        if (partition.getFailureReason() != FailureReason.NOT_ACTIVE && failure == null) {
          failure = "partition " + e.getKey() + ": " + partition.getFailureReason() + " "
              + partition.getFailureMessage();
        }
        continue;
      }
      partitions.add(e.getKey());
      try (KeyValueIterator<String, AlertState> states = partition.getResult()) {
        states.forEachRemaining(kv -> AlertLifecycle.firingEvent(kv.value)
            .map(event -> AlertLifecycleProcessor.published(event).alert()).filter(filter).ifPresent(alerts::add));
      }
    }
    if (failure != null) {
      throw new Unavailable("the lifecycle store failed on " + failure);
    }
    return new Answer(alerts, partitions);
  }

  /**
   * The lifecycle partitions each instance is assigned as active, as the group's latest assignment says; empty before
   * the first assignment. Instances advertise themselves with {@code application.server}.
   */
  public static Map<StreamsMetadata, Set<Integer>> assignedPartitions(KafkaStreams streams) {
    Collection<StreamsMetadata> all = streams.streamsMetadataForStore(STORE);
    Map<StreamsMetadata, Set<Integer>> out = new java.util.LinkedHashMap<>();
    for (StreamsMetadata instance : all) {
      Set<Integer> partitions = new TreeSet<>();
      for (TopicPartition p : instance.topicPartitions()) {
        if (p.topic().endsWith(SOURCE_SUFFIX)) {
          partitions.add(p.partition());
        }
      }
      out.put(instance, partitions);
    }
    return out;
  }
}
