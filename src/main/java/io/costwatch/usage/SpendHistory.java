package io.costwatch.usage;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.SourceRef;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The daily usage spend of one workspace in one currency, and the last day already evaluated. Days older than
 * {@code keepDays} before the newest are dropped, so the state stays bounded.
 */
public record SpendHistory(AzureResourceId workspace, String currency, Map<LocalDate, BigDecimal> days,
    Map<LocalDate, Long> lineItems, LocalDate lastEvaluated, SourceRef lastSource,
    Map<LocalDate, Map<String, BigDecimal>> drivers) {

  public static SpendHistory start(AzureResourceId workspace, String currency) {
    return new SpendHistory(workspace, currency, Map.of(), Map.of(), null, null, Map.of());
  }

  public SpendHistory with(DailySpend spend, int keepDays) {
    TreeMap<LocalDate, BigDecimal> next = new TreeMap<>(days);
    TreeMap<LocalDate, Long> items = new TreeMap<>(lineItems);
    TreeMap<LocalDate, Map<String, BigDecimal>> byDriver = new TreeMap<>(drivers == null ? Map.of() : drivers);
    next.put(spend.day(), spend.amount());
    items.put(spend.day(), spend.lineItems());
    byDriver.put(spend.day(), spend.drivers() == null ? Map.of() : spend.drivers());
    LocalDate oldest = next.lastKey().minusDays(keepDays);
    next.headMap(oldest).clear();
    items.headMap(oldest).clear();
    byDriver.headMap(oldest).clear();
    return new SpendHistory(workspace, currency, Collections.unmodifiableMap(next),
        Collections.unmodifiableMap(items), lastEvaluated, spend.lastSource(), Collections.unmodifiableMap(byDriver));
  }

  public SpendHistory evaluatedThrough(LocalDate day) {
    return new SpendHistory(workspace, currency, days, lineItems, day, lastSource, drivers);
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

  public NavigableMap<LocalDate, BigDecimal> series() {
    return Collections.unmodifiableNavigableMap(new TreeMap<>(days));
  }
}
