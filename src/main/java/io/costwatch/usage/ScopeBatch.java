package io.costwatch.usage;

import io.costwatch.core.MetricSample;
import java.util.List;

/**
 * What a scope's samples of one value did to its windows ({@link ScopeWindowing#acceptAll}): the same as
 * {@link ScopeWindowing#accept} one sample after the other, gathered. The closures and rejections stay in one list in
 * the order the samples caused them, because the caller forwards final windows and dead letters in input order.
 *
 * @param state the scope's new state; the very state passed in when every sample was rejected, so a caller can tell
 *     that nothing changed by identity
 * @param outcomes the windows closed and the samples rejected, in the order the samples caused them
 * @param closed the windows closed, oldest first: the windows of the {@link Closed} outcomes, in their order
 * @param updated the windows that samples were added to and that are still open at the end, by start
 */
public record ScopeBatch(ScopeWindows state, List<Outcome> outcomes, List<UsageWindow> closed,
    List<UsageWindow> updated) {

  public ScopeBatch {
    outcomes = List.copyOf(outcomes);
    closed = List.copyOf(closed);
    updated = List.copyOf(updated);
  }

  /** One event of a batch that the caller passes on: a final window or a dead letter. */
  public sealed interface Outcome permits Closed, Rejected {
  }

  /** A window closed by the scope's watermark: a final result. */
  public record Closed(UsageWindow window) implements Outcome {
  }

  /** A sample not used, and why. */
  public record Rejected(MetricSample sample, ScopeWindowing.Rejection rejection) implements Outcome {
  }
}
