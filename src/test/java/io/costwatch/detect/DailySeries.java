package io.costwatch.detect;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.IntToDoubleFunction;

/** Builds daily spend series for detector tests; day 0 is Monday 2025-03-03. */
final class DailySeries {

  static final LocalDate START = LocalDate.of(2025, 3, 3);

  private DailySeries() {
  }

  static LocalDate day(int index) {
    return START.plusDays(index);
  }

  /** Days {@code 0..days-1} with the amount of each index, rounded to cents. */
  static NavigableMap<LocalDate, BigDecimal> of(int days, IntToDoubleFunction amount) {
    NavigableMap<LocalDate, BigDecimal> series = new TreeMap<>();
    for (int i = 0; i < days; i++) {
      series.put(day(i), BigDecimal.valueOf(amount.applyAsDouble(i)).setScale(2, RoundingMode.HALF_UP));
    }
    return series;
  }

  /** About {@code level} with a small deterministic wiggle (-2 .. +2). */
  static double wiggle(double level, int i) {
    return level + ((i * 7) % 5) - 2;
  }

  static boolean weekend(int i) {
    DayOfWeek d = day(i).getDayOfWeek();
    return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
  }

  static NavigableMap<LocalDate, BigDecimal> with(NavigableMap<LocalDate, BigDecimal> series, int index, double amount) {
    NavigableMap<LocalDate, BigDecimal> copy = new TreeMap<>(series);
    copy.put(day(index), BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP));
    return copy;
  }
}
