package io.costwatch.recommend;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * How often a condition was seen over the recent past of one fingerprint: when observation began, the latest window
 * evaluated, and the wasteful (finding) seconds per UTC day. Bounded: days older than the lookback are dropped, so a
 * value holds at most {@code lookback / 1 day + 1} days. Pure and immutable; it lives in the alert state store.
 *
 * @param observedSince window start of the first finding seen (observation of the fingerprint begins there)
 * @param observedUntil the latest window end evaluated, with or without a finding
 * @param days wasteful seconds per UTC day, oldest first
 */
public record WastePattern(Instant observedSince, Instant observedUntil, List<WastefulDay> days) {

  /** Wasteful seconds on the UTC day starting at {@code day}. */
  public record WastefulDay(Instant day, long seconds) {
  }

  public WastePattern {
    days = days == null ? List.of() : List.copyOf(days);
  }

  /** Nothing observed yet. */
  public static WastePattern none() {
    return new WastePattern(null, null, List.of());
  }

  /** True before any window was observed. */
  public boolean isEmpty() {
    return observedSince == null || observedUntil == null;
  }

  /** This pattern after a window from {@code start} to {@code end} held a finding (wasteful). */
  public WastePattern wasteful(Instant start, Instant end, Duration lookback) {
    List<WastefulDay> out = new ArrayList<>(days);
    Instant cursor = start;
    while (cursor.isBefore(end)) {
      Instant dayStart = cursor.truncatedTo(ChronoUnit.DAYS);
      Instant dayEnd = dayStart.plus(Duration.ofDays(1));
      Instant until = end.isBefore(dayEnd) ? end : dayEnd;
      add(out, dayStart, Duration.between(cursor, until).toSeconds());
      cursor = until;
    }
    Instant since = observedSince == null || start.isBefore(observedSince) ? start : observedSince;
    return new WastePattern(since, later(observedUntil, end), out).pruned(lookback);
  }

  /** This pattern after a window ending at {@code end} was evaluated without a finding. */
  public WastePattern clear(Instant end, Duration lookback) {
    if (isEmpty()) {
      return this; // observation begins with the first finding
    }
    return new WastePattern(observedSince, later(observedUntil, end), days).pruned(lookback);
  }

  /** The time observed within the lookback (it starts at the first finding or at the lookback's first day). */
  public Duration observedSpan(Duration lookback) {
    if (isEmpty()) {
      return Duration.ZERO;
    }
    Instant boundary = boundary(lookback);
    Instant from = observedSince.isAfter(boundary) ? observedSince : boundary;
    return from.isBefore(observedUntil) ? Duration.between(from, observedUntil) : Duration.ZERO;
  }

  /** The wasteful time within the lookback, never more than {@link #observedSpan}. */
  public Duration wastefulSpan(Duration lookback) {
    if (isEmpty()) {
      return Duration.ZERO;
    }
    Instant boundary = boundary(lookback);
    long seconds = days.stream().filter(d -> !d.day().isBefore(boundary)).mapToLong(WastefulDay::seconds).sum();
    Duration wasteful = Duration.ofSeconds(seconds);
    Duration observed = observedSpan(lookback);
    return wasteful.compareTo(observed) > 0 ? observed : wasteful;
  }

  /** The first UTC day inside the lookback: whole days, so the lookback is between {@code lookback} and a day more. */
  private Instant boundary(Duration lookback) {
    return observedUntil.minus(lookback).truncatedTo(ChronoUnit.DAYS);
  }

  private WastePattern pruned(Duration lookback) {
    Instant boundary = boundary(lookback);
    return new WastePattern(observedSince, observedUntil,
        days.stream().filter(d -> !d.day().isBefore(boundary)).toList());
  }

  private static void add(List<WastefulDay> days, Instant day, long seconds) {
    for (int i = days.size() - 1; i >= 0; i--) {
      if (days.get(i).day().equals(day)) {
        days.set(i, new WastefulDay(day, days.get(i).seconds() + seconds));
        return;
      }
    }
    int at = days.size();
    while (at > 0 && days.get(at - 1).day().isAfter(day)) {
      at--;
    }
    days.add(at, new WastefulDay(day, seconds));
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }
}
