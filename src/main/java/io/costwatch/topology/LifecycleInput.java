package io.costwatch.topology;

import io.costwatch.alert.lifecycle.Feedback;
import io.costwatch.alert.lifecycle.Fingerprint;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Money;
import io.costwatch.detect.Finding;
import io.costwatch.recommend.Recommendation;
import java.time.Instant;
import java.util.List;

/**
 * What the alert lifecycle step consumes, keyed by fingerprint: a window evaluated with a finding, a window evaluated
 * without one (a clear), user feedback, or the end-of-input acknowledgement of a bounded run. One record type with a
 * {@code kind} keeps the single repartition topic in front of the lifecycle store simple to read.
 */
public record LifecycleInput(
    Kind kind,
    String fingerprint,
    Finding finding,
    List<Recommendation> recommendations,
    String type,
    AzureResourceId scope,
    Instant windowEnd,
    Feedback feedback,
    String stage,
    Instant windowStart,
    Money previousWaste) {

  /** The inputs of the lifecycle. */
  public enum Kind {
    FINDING,
    CLEAR,
    /** A window evaluated before, evaluated again because its data was corrected. */
    REVISION,
    FEEDBACK,
    END_OF_INPUT
  }

  public static LifecycleInput finding(Finding finding, List<Recommendation> recommendations) {
    return new LifecycleInput(Kind.FINDING, Fingerprint.of(finding).key(), finding, List.copyOf(recommendations),
        finding.type().name(), finding.scope(), finding.windowEnd(), null, null, finding.windowStart(), null);
  }

  public static LifecycleInput clear(String type, AzureResourceId scope, String currency, Instant windowEnd) {
    return new LifecycleInput(Kind.CLEAR, new Fingerprint(type, scope.resourceId(), currency).key(), null, List.of(),
        type, scope, windowEnd, null, null, null, null);
  }

  /**
   * The window from {@code windowStart} to {@code windowEnd} re-evaluated: {@code finding} is what it holds now (null:
   * nothing), {@code previousWaste} what it counted before (null: it held no finding).
   */
  public static LifecycleInput revision(String type, AzureResourceId scope, String currency, Finding finding,
      Money previousWaste, Instant windowStart, Instant windowEnd) {
    return new LifecycleInput(Kind.REVISION, new Fingerprint(type, scope.resourceId(), currency).key(), finding,
        List.of(), type, scope, windowEnd, null, null, windowStart, previousWaste);
  }

  public static LifecycleInput feedback(String fingerprint, Feedback feedback) {
    return new LifecycleInput(Kind.FEEDBACK, fingerprint, null, List.of(), null, null, null, feedback, null, null,
        null);
  }

  /**
   * The end of input has passed detection task {@code fromTask} of {@code stage}; its {@code type} names that task,
   * so the acknowledgements of every task can be told apart.
   */
  public static LifecycleInput endOfInput(String stage, Instant time, int fromTask) {
    return new LifecycleInput(Kind.END_OF_INPUT, FlushMarker.KEY, null, List.of(), Integer.toString(fromTask), null,
        time, null, stage, null, null);
  }
}
