package io.costwatch.topology;

import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Publishes what billing rows teach about a key (a compute's VM size, a resource's owner tags) to a compacted
 * reference topic only when it differs from what this task last published for that key: an export repeats the same
 * value on every row of the key, and every published record is read by every instance's global table.
 *
 * <p>The comparison is with this task's own record of what it sent (its store, written in the same transaction as
 * the output), not with the topic's global table: the table follows its topic only after the writing transaction
 * commits, so most rows of an export would be published again, and a restated export showing an older value and
 * then the newer one within one commit would find the newer one equal to the stale table and leave the older one
 * published. Here A, B, A publishes A, B, A. All rows of one export scope reach one task (the raw topic is keyed by
 * export scope).
 *
 * @param <V> the published value; equal values (record equality) are not published again
 */
final class PublishOnChange<V> implements Processor<String, BillingItem, String, V> {

  private final String store;
  private final Function<BillingItem, Optional<KeyValue<String, V>>> learnt;
  private ProcessorContext<String, V> context;
  private KeyValueStore<String, V> sent;

  private PublishOnChange(String store, Function<BillingItem, Optional<KeyValue<String, V>>> learnt) {
    this.store = store;
    this.learnt = learnt;
  }

  /**
   * @param store the store of what was last published per key
   * @param learnt what a row teaches, keyed as the topic is, if anything
   */
  static <V> ProcessorSupplier<String, BillingItem, String, V> supplier(String store, Serde<V> values,
      Function<BillingItem, Optional<KeyValue<String, V>>> learnt) {
    return DeclaredStores.processor(() -> new PublishOnChange<>(store, learnt),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(), values)
            .withCachingEnabled());
  }

  @Override
  public void init(ProcessorContext<String, V> context) {
    this.context = context;
    this.sent = context.getStateStore(store);
  }

  @Override
  public void process(Record<String, BillingItem> record) {
    Optional<KeyValue<String, V>> value = learnt.apply(record.value());
    if (value.isEmpty() || value.get().value.equals(sent.get(value.get().key))) {
      return;
    }
    sent.put(value.get().key, value.get().value);
    context.forward(new Record<>(value.get().key, value.get().value, record.timestamp()));
  }
}
