package io.costwatch.alert.lifecycle;

import java.util.Optional;

/** The state after one input and the event to publish, if any. {@code state} is null only when nothing is tracked. */
public record Transition(AlertState state, Optional<LifecycleEvent> event) {

  public Transition {
    event = event == null ? Optional.empty() : event;
  }

  static Transition silent(AlertState state) {
    return new Transition(state, Optional.empty());
  }

  static Transition publishing(AlertState state, LifecycleEvent event) {
    return new Transition(state, Optional.of(event));
  }
}
