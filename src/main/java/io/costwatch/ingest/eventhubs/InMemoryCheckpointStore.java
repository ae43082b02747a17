package io.costwatch.ingest.eventhubs;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.PartitionOwnership;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Ownership and checkpoints in memory, with the blob store's optimistic concurrency (a claim succeeds only when its
 * eTag matches the stored one, or when it is new and nothing is stored). For tests and local development: a restart
 * of the JVM forgets every checkpoint, so the processor re-reads from its start position.
 *
 * <p>Every method defers its work to subscription time: the SDK's load balancer builds these publishers once and
 * re-subscribes them on each cycle, so an eagerly captured snapshot would never change.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {

  private final Map<String, PartitionOwnership> ownerships = new ConcurrentHashMap<>();
  private final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();

  @Override
  public Flux<PartitionOwnership> listOwnership(String namespace, String hub, String consumerGroup) {
    return Flux.defer(() -> Flux.fromIterable(select(ownerships, prefix(namespace, hub, consumerGroup))));
  }

  @Override
  public Flux<PartitionOwnership> claimOwnership(List<PartitionOwnership> requested) {
    return Flux.defer(() -> Flux.fromIterable(requested).mapNotNull(this::claim));
  }

  @Override
  public Flux<Checkpoint> listCheckpoints(String namespace, String hub, String consumerGroup) {
    return Flux.defer(() -> Flux.fromIterable(select(checkpoints, prefix(namespace, hub, consumerGroup))));
  }

  @Override
  public Mono<Void> updateCheckpoint(Checkpoint checkpoint) {
    return Mono.fromRunnable(() -> checkpoints.put(key(checkpoint.getFullyQualifiedNamespace(),
        checkpoint.getEventHubName(), checkpoint.getConsumerGroup(), checkpoint.getPartitionId()), copy(checkpoint)));
  }

  /** The stored checkpoint of one partition, or null; names are compared case-insensitively like the SDK's. */
  public Checkpoint checkpoint(String namespace, String hub, String consumerGroup, String partitionId) {
    return checkpoints.get(key(namespace, hub, consumerGroup, partitionId));
  }

  private synchronized PartitionOwnership claim(PartitionOwnership wanted) {
    String key = key(wanted.getFullyQualifiedNamespace(), wanted.getEventHubName(), wanted.getConsumerGroup(),
        wanted.getPartitionId());
    PartitionOwnership current = ownerships.get(key);
    boolean free = current == null ? wanted.getETag() == null : Objects.equals(current.getETag(), wanted.getETag());
    if (!free) {
      return null;
    }
    PartitionOwnership claimed = new PartitionOwnership()
        .setFullyQualifiedNamespace(wanted.getFullyQualifiedNamespace())
        .setEventHubName(wanted.getEventHubName())
        .setConsumerGroup(wanted.getConsumerGroup())
        .setPartitionId(wanted.getPartitionId())
        .setOwnerId(wanted.getOwnerId())
        .setLastModifiedTime(System.currentTimeMillis())
        .setETag(UUID.randomUUID().toString());
    ownerships.put(key, claimed);
    return claimed;
  }

  private static Checkpoint copy(Checkpoint c) {
    return new Checkpoint()
        .setFullyQualifiedNamespace(c.getFullyQualifiedNamespace())
        .setEventHubName(c.getEventHubName())
        .setConsumerGroup(c.getConsumerGroup())
        .setPartitionId(c.getPartitionId())
        .setOffsetString(c.getOffsetString())
        .setSequenceNumber(c.getSequenceNumber());
  }

  private static <T> List<T> select(Map<String, T> map, String prefix) {
    List<T> out = new ArrayList<>();
    map.forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        out.add(value);
      }
    });
    return out;
  }

  private static String prefix(String namespace, String hub, String consumerGroup) {
    return (namespace + "/" + hub + "/" + consumerGroup + "/").toLowerCase(java.util.Locale.ROOT);
  }

  private static String key(String namespace, String hub, String consumerGroup, String partitionId) {
    return prefix(namespace, hub, consumerGroup) + partitionId;
  }
}
