package io.costwatch.cli;

import io.costwatch.topology.CostTopology;
import io.costwatch.topology.TopicSpec;
import io.costwatch.topology.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Waits until the pipeline has applied every billing row sent so far to the reference data it learns from billing
 * (VM sizes and owner tags, global tables every instance reads), so that telemetry sent afterwards is priced and
 * owned with what billing knows, whatever the machine's speed.
 *
 * <p>A global table follows its topic on a thread of its own, after the writing transaction commits. Without this
 * wait, {@code replay} sent its telemetry right after its billing, and a window judged before the global thread had
 * read its scope's VM size was priced at the default size: one alert of the demo's files was published at 3.31 USD/h
 * in one replay and 2.75 in another (DemoInputsReplayIT, 2026-12-03). The steps: the application's committed
 * offsets reach the end of every billing raw partition (with exactly-once, its outputs are committed with them), then
 * each global store holds what its topic ends with, key by key.
 */
final class ReferenceDataBarrier {

  private static final List<Reference<?>> LEARNT = List.of(
      new Reference<>(Topics.VM_SIZES, CostTopology.VM_SIZES_STORE),
      new Reference<>(Topics.OWNERS, CostTopology.OWNERS_STORE));

  private record Reference<V>(TopicSpec<String, V> topic, String store) {
  }

  private ReferenceDataBarrier() {
  }

  /**
   * @param check called on every poll; throws when the pipeline died (the wait would otherwise only time out)
   * @throws IllegalStateException when {@code timeout} passes first, naming what was still missing
   */
  static void await(Map<String, Object> clientConfig, String applicationId, Supplier<KafkaStreams> streams,
      Duration timeout, Runnable check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(clientConfig)) {
      Map<TopicPartition, Long> ends = ends(admin, Topics.BILLING_RAW.name());
      until(deadline, check, () -> consumedTo(admin, applicationId, ends),
          () -> "the pipeline to consume the billing input to " + ends);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the billing input to be applied", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("reading offsets of " + Topics.BILLING_RAW.name() + ": " + e.getCause(), e);
    }
    for (Reference<?> reference : LEARNT) {
      awaitStore(clientConfig, reference, streams, deadline, check);
    }
  }

  private static <V> void awaitStore(Map<String, Object> clientConfig, Reference<V> reference,
      Supplier<KafkaStreams> streams, long deadline, Runnable check) {
    Map<String, V> expected = TopicSnapshot.latest(clientConfig, reference.topic());
    until(deadline, check, () -> {
      ReadOnlyKeyValueStore<String, V> store = streams.get().store(StoreQueryParameters.fromNameAndType(
          reference.store(), QueryableStoreTypes.<String, V>keyValueStore()));
      return expected.entrySet().stream().allMatch(e -> Objects.equals(store.get(e.getKey()), e.getValue()));
    }, () -> reference.store() + " to hold the " + expected.size() + " entries of " + reference.topic().name());
  }

  private static Map<TopicPartition, Long> ends(Admin admin, String topic)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e
        : admin.listOffsets(latest).all().get().entrySet()) {
      ends.put(e.getKey(), e.getValue().offset());
    }
    return ends;
  }

  private static boolean consumedTo(Admin admin, String applicationId, Map<TopicPartition, Long> ends) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
          .partitionsToOffsetAndMetadata().get();
      return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
          || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the billing input to be applied", e);
    } catch (ExecutionException e) {
      return false;
    }
  }

  private static void until(long deadline, Runnable check, Supplier<Boolean> done, Supplier<String> what) {
    while (true) {
      check.run();
      boolean ready;
      try {
        ready = done.get();
      } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
        ready = false; // the store is not queryable yet (still rebalancing)
      }
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what.get());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what.get(), e);
      }
    }
  }
}
