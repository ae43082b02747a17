package io.costwatch.topology;

import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Processor suppliers that declare their own stores ({@code ProcessorSupplier#stores()}): Kafka Streams adds the
 * stores and connects them to the processor, so a store's name, serdes and the processor that uses it sit together
 * in the processor's class instead of in a list in {@link CostTopology}.
 */
final class DeclaredStores {

  private DeclaredStores() {
  }

  /** In declaration order: {@code Set.of} iterates in a per-JVM random order, which made topology.txt unstable. */
  private static Set<StoreBuilder<?>> ordered(StoreBuilder<?>... stores) {
    return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(java.util.List.of(stores)));
  }

  static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> processor(
      Supplier<Processor<KIn, VIn, KOut, VOut>> factory, StoreBuilder<?>... stores) {
    Set<StoreBuilder<?>> declared = ordered(stores);
    return new ProcessorSupplier<>() {
      @Override
      public Processor<KIn, VIn, KOut, VOut> get() {
        return factory.get();
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return declared;
      }
    };
  }

  static <KIn, VIn, VOut> FixedKeyProcessorSupplier<KIn, VIn, VOut> fixedKey(
      Supplier<FixedKeyProcessor<KIn, VIn, VOut>> factory, StoreBuilder<?>... stores) {
    Set<StoreBuilder<?>> declared = ordered(stores);
    return new FixedKeyProcessorSupplier<>() {
      @Override
      public FixedKeyProcessor<KIn, VIn, VOut> get() {
        return factory.get();
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return declared;
      }
    };
  }
}
