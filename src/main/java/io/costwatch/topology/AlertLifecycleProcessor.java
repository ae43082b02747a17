package io.costwatch.topology;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertFactory;
import io.costwatch.alert.AlertFactory.Published;
import io.costwatch.alert.AlertStatus;
import io.costwatch.alert.lifecycle.AlertLifecycle;
import io.costwatch.alert.lifecycle.AlertState;
import io.costwatch.alert.lifecycle.Fingerprint;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.alert.lifecycle.Transition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Thin adapter around {@link AlertLifecycle}: one {@link AlertState} per fingerprint in {@link #STORE} (backed by a
 * changelog topic, so a restart resumes every episode), one published event per OPEN, UPDATE or RESOLVED.
 *
 * <p>The open-alert, waste and savings gauges follow the store: when the task starts (after its store is restored:
 * a restart, a rebalance) its firing alerts are reported open again, and when it is closed or moves to another
 * instance they are released, so each instance's gauges show the open alerts of the tasks it owns.
 */
final class AlertLifecycleProcessor implements FixedKeyProcessor<String, LifecycleInput, Published> {

  static final String STORE = "alert-state-store";
  /** The store's values: JSON, upgraded to the current {@link AlertState#SCHEMA_VERSION} when read. */
  static final Serde<AlertState> STATE_SERDE = JsonSerde.upgrading(AlertState.class, AlertState::upgraded);

  private final AlertLifecycle lifecycle;
  private final PipelineMetrics metrics;
  /** The alerts of this task the gauges show open, so they can be released when the task goes. */
  private final Set<String> reportedOpen = new HashSet<>();
  private FixedKeyProcessorContext<String, Published> context;
  private KeyValueStore<String, AlertState> states;

  AlertLifecycleProcessor(AlertLifecycle lifecycle, PipelineMetrics metrics) {
    this.lifecycle = lifecycle;
    this.metrics = metrics;
  }

  /** This processor with its store. */
  static FixedKeyProcessorSupplier<String, LifecycleInput, Published> supplier(AlertLifecycle lifecycle,
      PipelineMetrics metrics) {
    return DeclaredStores.fixedKey(() -> new AlertLifecycleProcessor(lifecycle, metrics),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
            JsonSerde.stored(AlertState.class, STORE, metrics)));
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Published> context) {
    this.context = context;
    this.states = context.getStateStore(STORE);
    restoreGauges();
  }

  /** One pass over this task's alert states (one per fingerprint), once per task start. */
  private void restoreGauges() {
    try (KeyValueIterator<String, AlertState> all = states.all()) {
      all.forEachRemaining(kv -> AlertLifecycle.firingEvent(kv.value).map(AlertLifecycleProcessor::published)
          .ifPresent(p -> {
            OpenAlertGauges.restored(metrics, p);
            reportedOpen.add(p.alert().alertId());
          }));
    }
  }

  @Override
  public void close() {
    metrics.alertsReleased(Set.copyOf(reportedOpen));
    reportedOpen.clear();
  }

  @Override
  public void process(FixedKeyRecord<String, LifecycleInput> record) {
    LifecycleInput in = record.value();
    AlertState current = states.get(in.fingerprint());
    switch (in.kind()) {
      case END_OF_INPUT -> context.forward(record.withValue(FlushMarker.acknowledgement(in.stage(), in.windowEnd()))
          .withHeaders(FlushMarker.withPath(record.headers(), in.type() + "/" + context.taskId().partition())));
      case FEEDBACK -> states.put(in.fingerprint(), lifecycle.onFeedback(current, fingerprint(in), in.feedback()));
      case FINDING -> apply(record, lifecycle.onFinding(current, in.finding(), in.recommendations(),
          in.windowEnd()));
      case CLEAR -> apply(record, lifecycle.onClear(current, in.scope(), in.type(), in.windowEnd()));
      case REVISION -> apply(record, lifecycle.onRevision(current, fingerprint(in), in.finding(),
          in.previousWaste(), in.windowStart(), in.windowEnd()));
    }
  }

  private void apply(FixedKeyRecord<String, LifecycleInput> record, Transition transition) {
    if (transition.state() != null) {
      states.put(record.value().fingerprint(), transition.state());
    }
    transition.event().ifPresent(e -> {
      Published p = published(e);
      if (p.alert().status() == AlertStatus.RESOLVED) {
        reportedOpen.remove(p.alert().alertId());
      } else {
        reportedOpen.add(p.alert().alertId());
      }
      context.forward(record.withValue(p));
    });
  }

  static Published published(LifecycleEvent e) {
    AlertEvent alert = e.alertEvent();
    return new Published(alert, alert.status() == AlertStatus.RESOLVED ? List.of()
        : AlertFactory.recommendationEvents(alert, e.recommendations()));
  }

  private static Fingerprint fingerprint(LifecycleInput in) {
    String[] parts = in.fingerprint().split("\\|", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("fingerprint '" + in.fingerprint()
          + "' is not type|resourceId|currency");
    }
    return new Fingerprint(parts[0], parts[1], parts[2]);
  }
}
