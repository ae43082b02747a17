package io.costwatch.usage;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.SourceRef;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.LocalDate;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The daily usage spend of one workspace in one currency, and the last day already evaluated. Days older than
 * {@code keepDays} before the newest are dropped, so the state stays bounded.
 *
 * <p>Built from the stored days on each evaluation, never stored itself (it was the value of an earlier store); a
 * history read from JSON without {@code storage} or {@code hours} has them null, which every method reads as empty.
 *
 * @param storage per day, the storage and network measures of {@link DailySpend#storage()}
 * @param hours per day whose line items were all hourly, its spend per UTC hour
 */
public record SpendHistory(AzureResourceId workspace, String currency, Map<LocalDate, BigDecimal> days,
    Map<LocalDate, Long> lineItems, LocalDate lastEvaluated, SourceRef lastSource,
    Map<LocalDate, Map<String, BigDecimal>> drivers, Map<LocalDate, Map<String, BigDecimal>> storage,
    Map<LocalDate, Map<Integer, BigDecimal>> hours) {

  public static SpendHistory start(AzureResourceId workspace, String currency) {
    return new SpendHistory(workspace, currency, Map.of(), Map.of(), null, null, Map.of(), Map.of(), Map.of());
  }

  /**
   * This history with {@code spend}'s day replaced. Days more than {@code keepDays} before the newest go, except
   * those a day not yet evaluated still needs as its own lookback (a backlog arriving faster than days are judged),
   * up to {@code maxDays} before the newest.
   */
  public SpendHistory with(DailySpend spend, int keepDays, int maxDays) {
    SpendHistory next = with(spend, maxDays);
    LocalDate newest = next.series().lastKey();
    LocalDate keepFrom = newest.minusDays(keepDays);
    LocalDate unjudged = lastEvaluated == null ? next.series().firstKey() : lastEvaluated.plusDays(1);
    if (unjudged.minusDays(keepDays).isBefore(keepFrom)) {
      keepFrom = unjudged.minusDays(keepDays);
    }
    return next.since(keepFrom);
  }

  /** Days before {@code oldest} dropped. */
  private SpendHistory since(LocalDate oldest) {
    TreeMap<LocalDate, BigDecimal> next = new TreeMap<>(days);
    TreeMap<LocalDate, Long> items = new TreeMap<>(lineItems);
    TreeMap<LocalDate, Map<String, BigDecimal>> byDriver = new TreeMap<>(drivers == null ? Map.of() : drivers);
    TreeMap<LocalDate, Map<String, BigDecimal>> measures = new TreeMap<>(storage == null ? Map.of() : storage);
    TreeMap<LocalDate, Map<Integer, BigDecimal>> byHour = new TreeMap<>(hours == null ? Map.of() : hours);
    next.headMap(oldest).clear();
    items.headMap(oldest).clear();
    byDriver.headMap(oldest).clear();
    measures.headMap(oldest).clear();
    byHour.headMap(oldest).clear();
    return new SpendHistory(workspace, currency, Collections.unmodifiableMap(next),
        Collections.unmodifiableMap(items), lastEvaluated, lastSource, Collections.unmodifiableMap(byDriver),
        Collections.unmodifiableMap(measures), Collections.unmodifiableMap(byHour));
  }

  public SpendHistory with(DailySpend spend, int keepDays) {
    TreeMap<LocalDate, BigDecimal> next = new TreeMap<>(days);
    TreeMap<LocalDate, Long> items = new TreeMap<>(lineItems);
    TreeMap<LocalDate, Map<String, BigDecimal>> byDriver = new TreeMap<>(drivers == null ? Map.of() : drivers);
    TreeMap<LocalDate, Map<String, BigDecimal>> measures = new TreeMap<>(storage == null ? Map.of() : storage);
    TreeMap<LocalDate, Map<Integer, BigDecimal>> byHour = new TreeMap<>(hours == null ? Map.of() : hours);
    if (spend.allHourly()) {
      byHour.put(spend.day(), spend.hourlySpend());
    } else {
      byHour.remove(spend.day());
    }
    next.put(spend.day(), spend.amount());
    items.put(spend.day(), spend.lineItems());
    byDriver.put(spend.day(), spend.drivers() == null ? Map.of() : spend.drivers());
    if (spend.storage() == null || spend.storage().isEmpty()) {
      measures.remove(spend.day());
    } else {
      measures.put(spend.day(), spend.storage());
    }
    return new SpendHistory(workspace, currency, next, items, lastEvaluated, spend.lastSource(), byDriver, measures,
        byHour).since(next.lastKey().minusDays(keepDays));
  }

  /**
   * The history made of stored days (each a {@link DailySpend}, in any order), as {@link #with(DailySpend, int)}
   * would have built it day by day without dropping any: the view a processor that keeps one value per day
   * evaluates.
   */
  public static SpendHistory of(AzureResourceId workspace, String currency, Iterable<DailySpend> stored,
      LocalDate lastEvaluated, SourceRef lastSource) {
    TreeMap<LocalDate, BigDecimal> amounts = new TreeMap<>();
    TreeMap<LocalDate, Long> items = new TreeMap<>();
    TreeMap<LocalDate, Map<String, BigDecimal>> byDriver = new TreeMap<>();
    TreeMap<LocalDate, Map<String, BigDecimal>> measures = new TreeMap<>();
    TreeMap<LocalDate, Map<Integer, BigDecimal>> byHour = new TreeMap<>();
    for (DailySpend spend : stored) {
      amounts.put(spend.day(), spend.amount());
      items.put(spend.day(), spend.lineItems());
      byDriver.put(spend.day(), spend.drivers() == null ? Map.of() : spend.drivers());
      if (spend.storage() != null && !spend.storage().isEmpty()) {
        measures.put(spend.day(), spend.storage());
      }
      if (spend.allHourly()) {
        byHour.put(spend.day(), spend.hourlySpend());
      }
    }
    return new SpendHistory(workspace, currency, Collections.unmodifiableMap(amounts),
        Collections.unmodifiableMap(items), lastEvaluated, lastSource, Collections.unmodifiableMap(byDriver),
        Collections.unmodifiableMap(measures), Collections.unmodifiableMap(byHour));
  }

  public SpendHistory evaluatedThrough(LocalDate day) {
    return new SpendHistory(workspace, currency, days, lineItems, day, lastSource, drivers, storage, hours);
  }

  /** Each storage measure's daily series (measure key -> day -> amount), the input of the storage rules. */
  public Map<String, NavigableMap<LocalDate, BigDecimal>> storageSeries() {
    Map<String, NavigableMap<LocalDate, BigDecimal>> series = new TreeMap<>();
    if (storage != null) {
      storage.forEach((day, amounts) -> amounts.forEach((key, amount) ->
          series.computeIfAbsent(key, k -> new TreeMap<>()).put(day, amount)));
    }
    return series;
  }

  /** Each driver's daily series (driver key -> day -> spend), the input of the root-cause ranking. */
  public Map<String, NavigableMap<LocalDate, BigDecimal>> driverSeries() {
    Map<String, NavigableMap<LocalDate, BigDecimal>> series = new TreeMap<>();
    if (drivers != null) {
      drivers.forEach((day, amounts) -> amounts.forEach((key, amount) ->
          series.computeIfAbsent(key, k -> new TreeMap<>()).put(day, amount)));
    }
    return series;
  }

  /** True when every line item of {@code day} was hourly, so its hours can be evaluated. */
  public boolean hourlyOn(LocalDate day) {
    return hours != null && hours.containsKey(day);
  }

  /**
   * Spend per UTC hour over the run of consecutive hourly days that ends with {@code day} (every hour of those days,
   * zero where nothing was billed). The run stops at the first earlier day that has spend but no hourly detail, so
   * daily-only days never read as 24 hours of zero.
   */
  public NavigableMap<Instant, BigDecimal> hourlySeries(LocalDate day) {
    NavigableMap<Instant, BigDecimal> series = new TreeMap<>();
    if (!hourlyOn(day)) {
      return series;
    }
    LocalDate firstDay = new TreeMap<>(days).firstKey();
    for (LocalDate d = day; hourlyOn(d) || (!days.containsKey(d) && !d.isBefore(firstDay)); d = d.minusDays(1)) {
      Map<Integer, BigDecimal> byHour = hours.getOrDefault(d, Map.of());
      Instant start = d.atStartOfDay(ZoneOffset.UTC).toInstant();
      for (int h = 0; h < 24; h++) {
        series.put(start.plus(Duration.ofHours(h)), byHour.getOrDefault(h, BigDecimal.ZERO));
      }
    }
    return Collections.unmodifiableNavigableMap(series);
  }

  public NavigableMap<LocalDate, BigDecimal> series() {
    return Collections.unmodifiableNavigableMap(new TreeMap<>(days));
  }
}
