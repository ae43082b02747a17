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
import java.util.List;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Thin adapter around {@link AlertLifecycle}: one {@link AlertState} per fingerprint in {@link #STORE} (backed by a
 * changelog topic, so a restart resumes every episode), one published event per OPEN, UPDATE or RESOLVED.
 */
final class AlertLifecycleProcessor implements FixedKeyProcessor<String, LifecycleInput, Published> {

  static final String STORE = "alert-state-store";

  private final AlertLifecycle lifecycle;
  private FixedKeyProcessorContext<String, Published> context;
  private KeyValueStore<String, AlertState> states;

  AlertLifecycleProcessor(AlertLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Published> context) {
    this.context = context;
    this.states = context.getStateStore(STORE);
  }

  @Override
  public void process(FixedKeyRecord<String, LifecycleInput> record) {
    LifecycleInput in = record.value();
    AlertState current = states.get(in.fingerprint());
    switch (in.kind()) {
      case END_OF_INPUT -> context.forward(record.withValue(FlushMarker.acknowledgement(in.stage(), in.windowEnd())));
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
    transition.event().ifPresent(e -> context.forward(record.withValue(published(e))));
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
