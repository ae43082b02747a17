package io.costwatch.topology;

import io.costwatch.recommend.LearntVmSize;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Publishes the VM size billing rows show for a compute to {@code costwatch.vm-sizes.v1} only when it differs from
 * the size this task last published for that compute: an export repeats a compute's size on every one of its rows,
 * and each published record is read by every instance's global table.
 *
 * <p>The comparison is with this task's own record of what it sent ({@link #STORE}, written in the same transaction
 * as the output), not with the global table: the table follows its topic only after the writing transaction commits,
 * so a restated export that shows an older size and then the newer one within one commit would find the newer one
 * equal to the stale table and keep the older one. Here A, B, A publishes A, B, A. All rows of one export scope reach
 * one task (the raw topic is keyed by export scope); rows of the same compute in two partitions are published in
 * processing order, as before.
 */
final class VmSizeLearning implements Processor<String, BillingItem, String, LearntVmSize> {

  static final String STORE = "billing-vm-sizes-sent-store";

  private final Function<BillingItem, Optional<LearntVmSize>> learnable;
  private ProcessorContext<String, LearntVmSize> context;
  private KeyValueStore<String, String> sent;

  VmSizeLearning(Function<BillingItem, Optional<LearntVmSize>> learnable) {
    this.learnable = learnable;
  }

  /** @param learnable the size a row teaches, if any (a priced size of a compute) */
  static ProcessorSupplier<String, BillingItem, String, LearntVmSize> supplier(
      Function<BillingItem, Optional<LearntVmSize>> learnable) {
    return DeclaredStores.processor(() -> new VmSizeLearning(learnable),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String())
            .withCachingEnabled());
  }

  @Override
  public void init(ProcessorContext<String, LearntVmSize> context) {
    this.context = context;
    this.sent = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, BillingItem> record) {
    Optional<LearntVmSize> size = learnable.apply(record.value());
    if (size.isEmpty()) {
      return;
    }
    LearntVmSize learnt = size.get();
    if (learnt.vmSize().equals(sent.get(learnt.scope()))) {
      return;
    }
    sent.put(learnt.scope(), learnt.vmSize());
    context.forward(new Record<>(learnt.scope(), learnt, record.timestamp()));
  }
}
