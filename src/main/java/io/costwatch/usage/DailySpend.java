package io.costwatch.usage;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.CostRecord;
import io.costwatch.core.SourceRef;
import io.costwatch.core.Versioned;
import io.costwatch.detect.spend.SpendDrivers;
import io.costwatch.detect.spend.StorageMeters;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;

/**
 * Usage spend of one workspace in one currency on one UTC day, maintained by adding new line items and subtracting
 * their previous versions. Because each line item is held once under its identity, a re-exported or revised row
 * replaces its old value instead of adding to it.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}; 0 in state written before the field existed
 * @param storage egress, Hot-tier capacity and read measures per resource and meter ({@link StorageMeters#key})
 * @param hours spend of the hourly line items per UTC hour (0-23), and their count under {@link #HOURLY_ITEMS}; empty
 *     when the day has none
 */
public record DailySpend(int schemaVersion, AzureResourceId workspace, String currency, LocalDate day,
    BigDecimal amount, long lineItems, SourceRef lastSource, Map<String, BigDecimal> drivers,
    Map<String, BigDecimal> storage, Map<Integer, BigDecimal> hours) implements Versioned<DailySpend> {

  /**
   * 1: the field exists, and {@code drivers}, {@code storage} and {@code hours} are never null. Version 0 state was
   * written before it; the oldest lacks {@code storage} and {@code hours} (they came later), which read as empty.
   */
  public static final int SCHEMA_VERSION = 1;

  /** The key of {@link #hours()} that counts the hourly line items (not an hour of the day). */
  public static final int HOURLY_ITEMS = -1;

  @Override
  public DailySpend upgraded() {
    if (schemaVersion >= SCHEMA_VERSION) {
      return this;
    }
    return new DailySpend(SCHEMA_VERSION, workspace, currency, day, amount, lineItems, lastSource,
        drivers == null ? Map.of() : drivers, storage == null ? Map.of() : storage, hours == null ? Map.of() : hours);
  }

  public static DailySpend empty() {
    return new DailySpend(SCHEMA_VERSION, null, null, null, BigDecimal.ZERO, 0, null, Map.of(), Map.of(), Map.of());
  }

  /**
   * True when every line item of the day is hourly (a charge period of at most an hour, as FOCUS data often has): the
   * day's spend is then known hour by hour and its hours can be evaluated against an hour-of-day baseline.
   */
  @JsonIgnore
  public boolean allHourly() {
    if (hours == null || hours.isEmpty() || lineItems <= 0) {
      return false;
    }
    return hourlyItems(hours) && hourlySum().compareTo(amount) == 0;
  }

  private BigDecimal hourlySum() {
    return hours.entrySet().stream().filter(e -> e.getKey() != HOURLY_ITEMS).map(Map.Entry::getValue)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  public static String key(CostRecord record) {
    return record.workspace().workspaceId() + "|" + record.currency() + "|" + day(record);
  }

  public DailySpend add(CostRecord record) {
    return new DailySpend(SCHEMA_VERSION, AzureResourceId.workspace(record.workspace().workspaceId()), record.currency(),
        day(record), amount.add(record.cost()), lineItems + 1, record.source() == null ? lastSource
        : record.source(), drivers(record, BigDecimal::add), storage(record, BigDecimal::add),
        hours(record, BigDecimal::add));
  }

  public DailySpend subtract(CostRecord record) {
    return new DailySpend(SCHEMA_VERSION, workspace, currency, day, amount.subtract(record.cost()), lineItems - 1, lastSource,
        drivers(record, BigDecimal::subtract), storage(record, BigDecimal::subtract),
        hours(record, BigDecimal::subtract));
  }

  /** The day's spend per driver (compute, meter category, meter, resource, Azure ML tags): the root-cause input. */
  private Map<String, BigDecimal> drivers(CostRecord record, BinaryOperator<BigDecimal> op) {
    Map<String, BigDecimal> next = new TreeMap<>(drivers == null ? Map.of() : drivers);
    for (String key : SpendDrivers.keysOf(record)) {
      next.put(key, op.apply(next.getOrDefault(key, BigDecimal.ZERO), record.cost()));
    }
    return Collections.unmodifiableMap(next);
  }

  /** The day's storage and network measures; a key whose amounts cancel out is dropped. */
  private Map<String, BigDecimal> storage(CostRecord record, BinaryOperator<BigDecimal> op) {
    Map<String, BigDecimal> measures = StorageMeters.measuresOf(record);
    if (measures.isEmpty()) {
      return storage;
    }
    Map<String, BigDecimal> next = new TreeMap<>(storage == null ? Map.of() : storage);
    measures.forEach((key, amount) -> {
      BigDecimal value = op.apply(next.getOrDefault(key, BigDecimal.ZERO), amount);
      if (value.signum() == 0) {
        next.remove(key);
      } else {
        next.put(key, value);
      }
    });
    return Collections.unmodifiableMap(next);
  }

  /**
   * Spend per UTC hour of the day of the hourly line items, plus a count of them under {@link #HOURLY_ITEMS}; daily
   * rows leave it untouched, so {@link #allHourly()} sees they are missing from it.
   */
  private Map<Integer, BigDecimal> hours(CostRecord record, BinaryOperator<BigDecimal> op) {
    Duration period = Duration.between(record.periodStart(), record.periodEnd());
    if (period.isNegative() || period.isZero() || period.compareTo(Duration.ofHours(1)) > 0) {
      return hours;
    }
    Map<Integer, BigDecimal> next = new TreeMap<>(hours == null ? Map.of() : hours);
    int hour = record.periodStart().atZone(ZoneOffset.UTC).getHour();
    next.put(hour, op.apply(next.getOrDefault(hour, BigDecimal.ZERO), record.cost()));
    next.put(HOURLY_ITEMS, op.apply(next.getOrDefault(HOURLY_ITEMS, BigDecimal.ZERO), BigDecimal.ONE));
    return Collections.unmodifiableMap(next);
  }

  /** Spend per UTC hour of the day (0-23), empty when the day has daily rows. */
  @JsonIgnore
  public Map<Integer, BigDecimal> hourlySpend() {
    if (!allHourly()) {
      return Map.of();
    }
    Map<Integer, BigDecimal> out = new TreeMap<>(hours);
    out.remove(HOURLY_ITEMS);
    return Collections.unmodifiableMap(out);
  }

  private boolean hourlyItems(Map<Integer, BigDecimal> byHour) {
    return byHour.getOrDefault(HOURLY_ITEMS, BigDecimal.ZERO).longValueExact() == lineItems;
  }

  private static LocalDate day(CostRecord record) {
    return LocalDate.ofInstant(record.periodStart(), ZoneOffset.UTC);
  }
}
