package io.costwatch.eval;

import io.costwatch.core.ChargeKind;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Deterministic daily spend scenarios with known spikes and the traps a FinOps team meets: weekends, a weekly
 * job, steady growth, holidays, a one-day reservation purchase, refunds, restated days, and a workspace so small
 * that tripling its spend is not worth a page. Each scenario is generated as billing line items with a charge
 * kind, and its usage series keeps only usage items, as the topology does. Only injected spikes are labelled.
 */
public final class SpendScenarios {

  /** The trap each scenario is built around; every kind except {@link #SMALL_DOLLARS} also gets 1-3 spikes. */
  public enum Kind {
    STEADY, WEEKENDS, WEEKLY_JOB, GROWTH, HOLIDAYS, PURCHASE, REFUND, RESTATEMENT, SMALL_DOLLARS, COMBINED
  }

  /** Scenarios start on a Monday. */
  private static final LocalDate START = LocalDate.of(2025, 1, 6);
  /** The first day a spike may be injected: three weeks of history exist by then. */
  private static final int FIRST_SPIKE_DAY = 21;

  private SpendScenarios() {
  }

  public static List<LabelledSeries> generate(long seed, int count, int days) {
    List<LabelledSeries> all = new ArrayList<>();
    Kind[] kinds = Kind.values();
    for (int i = 0; i < count; i++) {
      all.add(scenario(kinds[i % kinds.length], new Random(seed * 1_000_003L + i), i, days));
    }
    return all;
  }

  static LabelledSeries scenario(Kind kind, Random rnd, int index, int days) {
    boolean small = kind == Kind.SMALL_DOLLARS;
    double base = small ? 2 + 3 * rnd.nextDouble() : Math.exp(Math.log(50) + rnd.nextDouble() * Math.log(400));
    double noise = 0.03 + 0.09 * rnd.nextDouble();
    double[] level = level(kind, rnd, base, days);
    List<double[]> rows = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      rows.add(new double[] {d, ChargeKind.USAGE.ordinal(), Math.max(0, level[d] * (1 + noise * rnd.nextGaussian()))});
    }
    boolean[] labels = new boolean[days];
    if (!small) {
      injectSpikes(rnd, level, rows, labels, days);
    }
    List<LabelledSeries.Revision> revisions = traps(kind, rnd, base, rows, labels);
    double[] usage = new double[days];
    for (double[] row : rows) {
      if (ChargeKind.values()[(int) row[1]].isUsage()) {
        usage[(int) row[0]] += row[2];
      }
    }
    if (small) {
      int day = FIRST_SPIKE_DAY + rnd.nextInt(days - FIRST_SPIKE_DAY);
      usage[day] *= 3;
    }
    List<LabelledSeries.Revision> adjusted = new ArrayList<>();
    for (LabelledSeries.Revision r : revisions) {
      adjusted.add(new LabelledSeries.Revision(r.index(), usage[r.index()] * r.firstValue(), r.knownAt()));
    }
    Instant[] starts = new Instant[days];
    for (int d = 0; d < days; d++) {
      starts[d] = START.plusDays(d).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    String name = String.format(Locale.ROOT, "%s-%02d", kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), index);
    return new LabelledSeries("generated/" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), name, true,
        starts, usage, labels, List.copyOf(adjusted));
  }

  /** The noise-free usage level of each day. */
  private static double[] level(Kind kind, Random rnd, double base, int days) {
    boolean weekends = kind == Kind.WEEKENDS || kind == Kind.COMBINED;
    boolean job = kind == Kind.WEEKLY_JOB || kind == Kind.COMBINED;
    double growth = kind == Kind.GROWTH ? 0.01 + 0.015 * rnd.nextDouble() : kind == Kind.COMBINED ? 0.008 : 0;
    double weekendFactor = 0.2 + 0.3 * rnd.nextDouble();
    DayOfWeek jobDay = DayOfWeek.of(1 + rnd.nextInt(7));
    double jobSize = 2 + 3 * rnd.nextDouble();
    double[] level = new double[days];
    for (int d = 0; d < days; d++) {
      DayOfWeek dow = START.plusDays(d).getDayOfWeek();
      double v = base * Math.pow(1 + growth, d);
      if (weekends && (dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY)) {
        v *= weekendFactor;
      }
      if (job && dow == jobDay) {
        v += base * jobSize;
      }
      level[d] = v;
    }
    if (kind == Kind.HOLIDAYS) {
      int week = 28 + rnd.nextInt(Math.max(1, days - 40));
      for (int d = week; d < Math.min(days, week + 5); d++) {
        level[d] *= 0.1 + 0.3 * rnd.nextDouble();
      }
      for (int k = 0; k < 3; k++) {
        level[10 + rnd.nextInt(days - 10)] *= 0.2;
      }
    }
    return level;
  }

  /** Spikes: one or two days with an excess of 0.6 to 4 times the day's level, at least 150. */
  private static void injectSpikes(Random rnd, double[] level, List<double[]> rows, boolean[] labels, int days) {
    int spikes = 1 + rnd.nextInt(3);
    for (int s = 0; s < spikes; s++) {
      int day = FIRST_SPIKE_DAY + rnd.nextInt(days - FIRST_SPIKE_DAY);
      if (labels[day] || (day > 0 && labels[day - 1]) || (day + 1 < days && labels[day + 1])) {
        continue;
      }
      int length = rnd.nextDouble() < 0.25 && day + 1 < days ? 2 : 1;
      for (int d = day; d < day + length; d++) {
        double excess = Math.max(150, level[d] * (0.6 + 3.4 * rnd.nextDouble()));
        rows.add(new double[] {d, ChargeKind.USAGE.ordinal(), excess});
        labels[d] = true;
      }
    }
  }

  /**
   * Rows and restatements that must not alert. Restatements return the first-reported share of the final value
   * (rescaled to an amount by the caller): a partial day later completed, or a day later restated upwards.
   */
  private static List<LabelledSeries.Revision> traps(Kind kind, Random rnd, double base, List<double[]> rows,
      boolean[] labels) {
    List<LabelledSeries.Revision> revisions = new ArrayList<>();
    int day = freeDay(rnd, labels);
    switch (kind) {
      case PURCHASE -> rows.add(new double[] {day, ChargeKind.PURCHASE.ordinal(), base * (10 + 30 * rnd.nextDouble())});
      case REFUND -> {
        rows.add(new double[] {day, ChargeKind.REFUND.ordinal(), -base * (3 + 7 * rnd.nextDouble())});
        rows.add(new double[] {freeDay(rnd, labels), ChargeKind.USAGE.ordinal(),
            -base * (0.5 + rnd.nextDouble())});
      }
      case RESTATEMENT -> {
        for (int k = 0; k < 3; k++) {
          int partial = freeDay(rnd, labels);
          revisions.add(new LabelledSeries.Revision(partial, 0.2 + 0.4 * rnd.nextDouble(),
              partial + 1 + rnd.nextInt(3)));
        }
        revisions.add(new LabelledSeries.Revision(day, 1 / (2 + rnd.nextDouble()), day + 2));
        rows.add(new double[] {day, ChargeKind.USAGE.ordinal(), base * (1 + rnd.nextDouble())});
      }
      default -> { }
    }
    return revisions;
  }

  /** A day from the tenth on, away from the labelled spikes, so a trap never hides or fakes a spike. */
  private static int freeDay(Random rnd, boolean[] labels) {
    int days = labels.length;
    while (true) {
      int day = 10 + rnd.nextInt(days - 14);
      if (!labels[day] && !labels[day - 1] && !labels[day + 1] && !labels[Math.min(days - 1, day + 3)]) {
        return day;
      }
    }
  }
}
