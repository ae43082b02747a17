package io.costwatch.detect;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The serving horizon of one online deployment: the slices of its windows over the last {@code horizon}, oldest
 * first. The state the idle-deployment rule needs, as an immutable value a Kafka Streams store can keep (a record of a
 * list of records: plain JSON).
 *
 * <p>Bounded: a slice whose window ended {@code horizon} or more before the latest window's end is dropped, and never
 * more than {@link #MAX_SLICES} are kept. A slice for a window already present replaces it (a re-emitted window does
 * not count twice); a late window is inserted in start order.
 */
public record ServingHorizon(List<ServingSlice> slices) {

  /** Hard bound on the slices kept, whatever the horizon and window size. */
  public static final int MAX_SLICES = 1_000;

  public ServingHorizon {
    slices = slices == null ? List.of() : List.copyOf(slices);
  }

  public static ServingHorizon empty() {
    return new ServingHorizon(List.of());
  }

  /** This horizon with {@code slice} added and the slices older than {@code horizon} dropped. */
  public ServingHorizon with(ServingSlice slice, Duration horizon) {
    Objects.requireNonNull(slice.windowStart(), "windowStart");
    List<ServingSlice> next = new ArrayList<>(slices.size() + 1);
    for (ServingSlice s : slices) {
      if (!s.windowStart().equals(slice.windowStart())) {
        next.add(s);
      }
    }
    next.add(slice);
    next.sort(Comparator.comparing(ServingSlice::windowStart));
    Instant latestEnd = next.stream().map(ServingSlice::windowEnd).max(Comparator.naturalOrder()).orElseThrow();
    Instant cutoff = latestEnd.minus(horizon);
    next.removeIf(s -> !s.windowEnd().isAfter(cutoff));
    return new ServingHorizon(next.size() <= MAX_SLICES ? next : next.subList(next.size() - MAX_SLICES, next.size()));
  }

  public boolean isEmpty() {
    return slices.isEmpty();
  }

  public Instant start() {
    return slices.get(0).windowStart();
  }

  public Instant end() {
    return slices.get(slices.size() - 1).windowEnd();
  }

  /**
   * True when the slices reach back a whole {@code horizon} from the latest window's end and at least half of the
   * horizon's minutes carried an instance count: a deployment is judged on hours of evidence, never on a gap.
   */
  public boolean covers(Duration horizon) {
    if (slices.isEmpty() || start().isAfter(end().minus(horizon))) {
      return false;
    }
    return minutes() * 2 >= horizon.toMinutes();
  }

  public long minutes() {
    return slices.stream().mapToLong(ServingSlice::minutes).sum();
  }

  /** Average instances over the minutes with a count. */
  public double instancesAvg() {
    long minutes = minutes();
    return minutes == 0 ? 0 : slices.stream().mapToDouble(ServingSlice::instanceMinutes).sum() / minutes;
  }

  /** True when any slice counted instances from the {@code instanceId} dimension instead of DeploymentCapacity. */
  public boolean instancesCounted() {
    return slices.stream().anyMatch(ServingSlice::instancesCounted);
  }

  /** {@code gpu} or {@code cpu}: the utilisation of the latest slice that has one, or null. */
  public String utilization() {
    for (int i = slices.size() - 1; i >= 0; i--) {
      if (slices.get(i).utilization() != null) {
        return slices.get(i).utilization();
      }
    }
    return null;
  }

  private List<ServingSlice> withUtilization() {
    String kind = utilization();
    return slices.stream().filter(s -> kind != null && kind.equals(s.utilization())).toList();
  }

  public long utilCount() {
    return withUtilization().stream().mapToLong(ServingSlice::utilCount).sum();
  }

  /** Average utilisation over the horizon, percent; NaN without utilisation. */
  public double utilAvg() {
    long n = utilCount();
    return n == 0 ? Double.NaN : withUtilization().stream().mapToDouble(ServingSlice::utilSum).sum() / n;
  }

  /** Duty cycle: the share (0-1) of utilisation values at or above the busy-minute utilisation; 0 without any. */
  public double dutyCycle() {
    long n = utilCount();
    return n == 0 ? 0 : (double) withUtilization().stream().mapToLong(ServingSlice::utilBusy).sum() / n;
  }

  public double utilMax() {
    return withUtilization().stream().mapToDouble(ServingSlice::utilMax).max().orElse(Double.NaN);
  }

  /** Average GPU memory held, percent; NaN when not reported. */
  public double memoryAvg() {
    long n = slices.stream().mapToLong(ServingSlice::memoryCount).sum();
    return n == 0 ? Double.NaN : slices.stream().mapToDouble(ServingSlice::memorySum).sum() / n;
  }

  public boolean hasRequests() {
    return slices.stream().anyMatch(s -> s.requestCount() > 0);
  }

  /** Average requests per minute over the minutes that reported them; NaN without request telemetry. */
  public double requestsPerMinute() {
    long n = slices.stream().mapToLong(ServingSlice::requestCount).sum();
    return n == 0 ? Double.NaN : slices.stream().mapToDouble(ServingSlice::requestSum).sum() / n;
  }

  /** The highest requests per minute of the horizon; NaN without request telemetry. */
  public double requestsPerMinuteMax() {
    return hasRequests() ? slices.stream().filter(s -> s.requestCount() > 0).mapToDouble(ServingSlice::requestMax)
        .max().orElse(0) : Double.NaN;
  }

  public long records() {
    return slices.stream().mapToLong(ServingSlice::records).sum();
  }
}
