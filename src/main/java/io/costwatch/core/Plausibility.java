package io.costwatch.core;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * Physical and documented ranges of input values. A value outside them is a data error (a corrupted export, a
 * producer bug), never something to alert on: a page for a 1e307 USD/h burn rate teaches on-call to ignore the tool.
 * Parsers check syntax; this checks meaning, and a violation becomes a rejection naming the field.
 *
 * <p>Fixed rules: event times lie in [1970-01-01, 10000-01-01) (Kafka timestamps cannot be negative); utilisation
 * metrics lie in [0, 100] %; counts of nodes, instances, requests, joules and aggregated samples are not negative;
 * every number is finite. Configurable bounds: {@code maxCost} on the absolute cost of one billing row (refunds are
 * negative) and {@code maxCount} on node and instance counts. Quantities are bounded by {@link #MAX_QUANTITY}.
 *
 * @param maxCost the largest plausible absolute cost of one billing row, in its currency
 * @param maxCount the largest plausible number of nodes or instances of one compute or deployment
 */
public record Plausibility(BigDecimal maxCost, double maxCount) {

  public static final BigDecimal DEFAULT_MAX_COST = new BigDecimal("10000000");
  public static final double DEFAULT_MAX_COUNT = 100_000;
  /** Beyond 1e15 a double no longer holds whole numbers exactly; no meter bills that many units in one row. */
  public static final BigDecimal MAX_QUANTITY = new BigDecimal("1e15");
  /** Values aggregated into one metric minute (Azure's count); far above any real sampling rate. */
  public static final double MAX_SAMPLES = 1e9;
  /** Requests per minute or joules per minute of one scope. */
  public static final double MAX_RATE = 1e12;

  private static final Instant EARLIEST = Instant.EPOCH;
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  /** What is wrong: {@code reason} is the dead-letter reason, {@code field} the field at fault. */
  public record Violation(String reason, String field, String problem) {}

  public static Plausibility defaults() {
    return new Plausibility(DEFAULT_MAX_COST, DEFAULT_MAX_COUNT);
  }

  public Optional<Violation> check(MetricSample s) {
    Optional<Violation> time = time("bad-time", "time", s.time());
    if (time.isPresent()) {
      return time;
    }
    double[] values = {s.average(), s.minimum(), s.maximum(), s.total()};
    String[] names = {"average", "minimum", "maximum", "total"};
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        return violation("bad-number", names[i], values[i] + " is not a finite number");
      }
    }
    if (s.count() < 0 || s.count() > MAX_SAMPLES) {
      return violation("out-of-range", "count", s.count() + " is not a count of samples in [0, " + (long) MAX_SAMPLES
          + "]");
    }
    double max = switch (s.metric()) {
      case GPU_UTILIZATION, GPU_MEMORY_UTILIZATION, CPU_UTILIZATION, GPU_UTILIZATION_PERCENTAGE,
          GPU_MEMORY_UTILIZATION_PERCENTAGE, CPU_UTILIZATION_PERCENTAGE -> 100;
      case ACTIVE_NODES, IDLE_NODES, TOTAL_NODES, PREEMPTED_NODES, DEPLOYMENT_CAPACITY -> maxCount;
      case REQUESTS_PER_MINUTE, GPU_ENERGY_JOULES -> MAX_RATE;
    };
    for (int i = 0; i < 3; i++) {
      if (values[i] < 0 || values[i] > max) {
        String reason = values[i] < 0 || max == 100 ? "out-of-range" : "implausible-value";
        return violation(reason, names[i], values[i] + " is outside [0, " + fmt(max) + "] for "
            + s.metric().restName() + (max == 100 ? " (a percentage)" : ""));
      }
    }
    if (s.total() < 0 || s.total() > max * Math.max(1, s.count())) {
      return violation("out-of-range", "total", s.total() + " is outside [0, " + fmt(max) + " x count " + s.count()
          + "]");
    }
    return Optional.empty();
  }

  public Optional<Violation> check(CostRecord r) {
    Optional<Violation> time = time("bad-date", "date", r.periodStart())
        .or(() -> time("bad-date", "periodEnd", r.periodEnd()));
    if (time.isPresent()) {
      return time;
    }
    if (!r.periodEnd().isAfter(r.periodStart())) {
      return violation("bad-date", "periodEnd", "the charge period ends (" + r.periodEnd() + ") before it starts ("
          + r.periodStart() + ")");
    }
    if (r.cost() != null && r.cost().abs().compareTo(maxCost) > 0) {
      String shown = r.cost().toPlainString().length() > 40 ? r.cost().toString() : r.cost().toPlainString();
      return violation("implausible-value", "cost", shown + " " + r.currency() + " is beyond the plausible "
          + maxCost.toPlainString() + " per row (COSTWATCH_MAX_PLAUSIBLE_COST)");
    }
    if (r.quantity() != null && r.quantity().abs().compareTo(MAX_QUANTITY) > 0) {
      return violation("implausible-value", "quantity", r.quantity() + " is beyond the plausible "
          + MAX_QUANTITY.toPlainString() + " units per row");
    }
    return Optional.empty();
  }

  private static Optional<Violation> time(String reason, String field, Instant t) {
    if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      return violation(reason, field, t + " is outside [1970-01-01, 9999-12-31]"
          + (t.isBefore(EARLIEST) ? " (Kafka timestamps cannot be negative)" : ""));
    }
    return Optional.empty();
  }

  private static Optional<Violation> violation(String reason, String field, String problem) {
    return Optional.of(new Violation(reason, field, problem));
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
