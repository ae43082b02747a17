package io.costwatch.detect.spend;

import io.costwatch.core.CostRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Root causes of a spend change, ranked by dollars: for one workspace and currency, each driver (a compute, a meter
 * category, a meter, a resource, an Azure ML endpoint or deployment tag) keeps its own daily series, and the drivers
 * whose spend rose most against their own baseline explain the spike. A driver's baseline is the median of its
 * lookback, with days without spend counted as zero, so a brand-new endpoint shows its whole spend as the delta.
 *
 * <p>Series are keyed by {@link #key(DriverKind, String)}, e.g. {@code COMPUTE:gpu-cluster} or
 * {@code TAG:azuremlendpoint=fraud-scoring}, so a topology can hold them in a plain map per workspace.
 */
public final class SpendDrivers {

  /** How many drivers an alert carries, like AWS Cost Anomaly Detection's root causes. */
  public static final int DEFAULT_LIMIT = 10;
  /** The Azure ML tags that name the endpoint and deployment a line item belongs to. */
  public static final List<String> ML_TAGS = List.of("azuremlendpoint", "azuremldeployment");

  private static final char SEPARATOR = ':';

  private SpendDrivers() {
  }

  public static String key(DriverKind kind, String name) {
    return kind.name() + SEPARATOR + name;
  }

  /** The driver keys a usage line item contributes to; blank dimensions are skipped. */
  public static Set<String> keysOf(CostRecord record) {
    Set<String> keys = new LinkedHashSet<>();
    if (record.workspace() != null) {
      addIfPresent(keys, DriverKind.COMPUTE, record.workspace().compute());
    }
    addIfPresent(keys, DriverKind.METER_CATEGORY, record.meterCategory());
    addIfPresent(keys, DriverKind.METER, record.meterName());
    addIfPresent(keys, DriverKind.RESOURCE, record.resourceId() == null ? null
        : record.resourceId().toLowerCase(Locale.ROOT));
    if (record.tags() != null) {
      for (Map.Entry<String, String> tag : record.tags().entrySet()) {
        String name = tag.getKey() == null ? "" : tag.getKey().trim().toLowerCase(Locale.ROOT);
        if (ML_TAGS.contains(name) && tag.getValue() != null && !tag.getValue().isBlank()) {
          keys.add(key(DriverKind.TAG, name + "=" + tag.getValue().trim()));
        }
      }
    }
    return keys;
  }

  /**
   * Adds a line item's cost to every driver series it belongs to (on its UTC charge day). The map is the caller's
   * mutable working copy; subtract a superseded version of a row with {@code sign = -1}.
   */
  public static void accumulate(Map<String, NavigableMap<LocalDate, BigDecimal>> series, CostRecord record,
      int sign) {
    LocalDate day = LocalDate.ofInstant(record.periodStart(), ZoneOffset.UTC);
    BigDecimal amount = sign < 0 ? record.cost().negate() : record.cost();
    for (String k : keysOf(record)) {
      series.computeIfAbsent(k, ignored -> new TreeMap<>()).merge(day, amount, BigDecimal::add);
    }
  }

  /** Driver series of the usage line items among {@code records} (purchases, refunds and credits are not usage). */
  public static Map<String, NavigableMap<LocalDate, BigDecimal>> series(Collection<CostRecord> records) {
    Map<String, NavigableMap<LocalDate, BigDecimal>> series = new TreeMap<>();
    for (CostRecord r : records) {
      if (r.chargeKind() != null && r.chargeKind().isUsage()) {
        accumulate(series, r, 1);
      }
    }
    return series;
  }

  /** The top {@link #DEFAULT_LIMIT} drivers of {@code day}. */
  public static List<Driver> top(Map<String, NavigableMap<LocalDate, BigDecimal>> series, LocalDate day,
      int lookbackDays) {
    return top(series, day, lookbackDays, DEFAULT_LIMIT);
  }

  /**
   * The drivers whose spend on {@code day} rose above their own baseline, largest $ delta first (ties by key), at
   * most {@code limit}. Keys that do not name a {@link DriverKind} are ignored.
   */
  public static List<Driver> top(Map<String, NavigableMap<LocalDate, BigDecimal>> series, LocalDate day,
      int lookbackDays, int limit) {
    List<Driver> rising = new ArrayList<>();
    for (Map.Entry<String, NavigableMap<LocalDate, BigDecimal>> entry : series.entrySet()) {
      int at = entry.getKey().indexOf(SEPARATOR);
      DriverKind kind = at < 0 ? null : kindOf(entry.getKey().substring(0, at));
      if (kind == null) {
        continue;
      }
      Driver driver = driver(kind, entry.getKey().substring(at + 1), entry.getValue(), day, lookbackDays);
      if (driver.delta().signum() > 0) {
        rising.add(driver);
      }
    }
    rising.sort(Comparator.comparing(Driver::delta).reversed().thenComparing(Driver::key));
    return List.copyOf(rising.subList(0, Math.min(limit, rising.size())));
  }

  static Driver driver(DriverKind kind, String name, NavigableMap<LocalDate, BigDecimal> daily, LocalDate day,
      int lookbackDays) {
    BigDecimal[] history = new BigDecimal[lookbackDays];
    for (int back = 1; back <= lookbackDays; back++) {
      history[back - 1] = daily.getOrDefault(day.minusDays(back), BigDecimal.ZERO);
    }
    BigDecimal actual = daily.getOrDefault(day, BigDecimal.ZERO);
    BigDecimal expected = median(history);
    return new Driver(kind, name, actual.setScale(2, RoundingMode.HALF_UP), expected.setScale(2, RoundingMode.HALF_UP),
        actual.subtract(expected).setScale(2, RoundingMode.HALF_UP));
  }

  private static BigDecimal median(BigDecimal[] values) {
    if (values.length == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2]
        : sorted[n / 2 - 1].add(sorted[n / 2]).divide(BigDecimal.valueOf(2), 6, RoundingMode.HALF_UP);
  }

  private static DriverKind kindOf(String name) {
    for (DriverKind k : DriverKind.values()) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    return null;
  }

  private static void addIfPresent(Set<String> keys, DriverKind kind, String name) {
    if (name != null && !name.isBlank()) {
      keys.add(key(kind, name.trim()));
    }
  }
}
