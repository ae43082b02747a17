package io.costwatch.topology;

import io.costwatch.alert.owners.OwnerTags;
import io.costwatch.alert.owners.ResourceOwners;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Publishes the owner tags billing rows show for a resource to {@code costwatch.owners.v1}, keyed by resource id, only
 * when they differ from what this task last published for that resource: an export repeats a resource's tags on every
 * row.
 *
 * <p>The comparison is with this task's own record of what it sent ({@link #STORE}, written in the same transaction
 * as the output), not with the topic's global table: the table follows its topic only after the writing transaction
 * commits. An export whose rows show owner X for the first days of the month and A after, read again the next day
 * with the table at A, would publish X and then find A equal to the stale table within the same commit, leaving X
 * published. Here X, A publishes X, A. All rows of one export scope reach one task (the raw topic is keyed by export
 * scope).
 *
 * <p>Rows without owner tags teach nothing, so a tag removed in Azure is not removed here (a changed value is).
 */
final class OwnerLearning implements Processor<String, BillingItem, String, ResourceOwners> {

  static final String STORE = "billing-owners-sent-store";

  private final OwnerTags tagNames;
  private ProcessorContext<String, ResourceOwners> context;
  private KeyValueStore<String, ResourceOwners> sent;

  OwnerLearning(OwnerTags tagNames) {
    this.tagNames = tagNames;
  }

  static ProcessorSupplier<String, BillingItem, String, ResourceOwners> supplier(OwnerTags tagNames,
      PipelineMetrics metrics) {
    return DeclaredStores.processor(() -> new OwnerLearning(tagNames),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
            JsonSerde.stored(ResourceOwners.class, STORE, metrics)).withCachingEnabled());
  }

  @Override
  public void init(ProcessorContext<String, ResourceOwners> context) {
    this.context = context;
    this.sent = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, BillingItem> record) {
    BillingItem item = record.value();
    if (item == null || !item.isRow() || FlushMarker.isBillingMarker(item.row().workspace())) {
      return;
    }
    Optional<ResourceOwners> learnt = ResourceOwners.learnt(item.row(), tagNames);
    if (learnt.isEmpty()) {
      return;
    }
    ResourceOwners owners = learnt.get();
    ResourceOwners last = sent.get(owners.resourceId());
    if (last == null || !owners.owners().equals(last.owners())) {
      sent.put(owners.resourceId(), owners);
      context.forward(new Record<>(owners.resourceId(), owners, record.timestamp()));
    }
  }
}
