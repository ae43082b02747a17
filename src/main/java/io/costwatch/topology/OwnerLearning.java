package io.costwatch.topology;

import io.costwatch.alert.owners.OwnerTags;
import io.costwatch.alert.owners.ResourceOwners;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Publishes the owner tags billing rows show for a resource to {@code costwatch.owners.v1}, keyed by resource id, only
 * when they differ from what the topic's global table already holds: an export repeats a resource's tags on every
 * row, and the table is the state to compare with (restored on start, shared by every task). The table follows its
 * topic after the writing transaction commits, so rows of one resource within one commit may each publish the same
 * new value once: idempotent on a compacted topic, and bounded by the commit interval.
 *
 * <p>Rows without owner tags teach nothing, so a tag removed in Azure is not removed here (a changed value is).
 */
final class OwnerLearning implements Processor<String, BillingItem, String, ResourceOwners> {

  private final OwnerTags tagNames;
  private final String store;
  private ProcessorContext<String, ResourceOwners> context;
  private TimestampedKeyValueStore<String, ResourceOwners> known;

  OwnerLearning(OwnerTags tagNames, String store) {
    this.tagNames = tagNames;
    this.store = store;
  }

  @Override
  public void init(ProcessorContext<String, ResourceOwners> context) {
    this.context = context;
    this.known = context.getStateStore(store);
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
    ValueAndTimestamp<ResourceOwners> current = known.get(owners.resourceId());
    if (current == null || current.value() == null || !owners.owners().equals(current.value().owners())) {
      context.forward(new Record<>(owners.resourceId(), owners, record.timestamp()));
    }
  }
}
