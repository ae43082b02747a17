package io.costwatch.usage;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.CostRecord;
import io.costwatch.core.SourceRef;
import io.costwatch.detect.spend.SpendDrivers;
import io.costwatch.detect.spend.StorageMeters;
import java.math.BigDecimal;
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
 * @param storage egress, Hot-tier capacity and read measures per resource and meter ({@link StorageMeters#key}); null
 *     in state written before it existed
 */
public record DailySpend(AzureResourceId workspace, String currency, LocalDate day, BigDecimal amount, long lineItems,
    SourceRef lastSource, Map<String, BigDecimal> drivers, Map<String, BigDecimal> storage) {

  /** A day without storage measures (state written before they existed reads as this). */
  public DailySpend(AzureResourceId workspace, String currency, LocalDate day, BigDecimal amount, long lineItems,
      SourceRef lastSource, Map<String, BigDecimal> drivers) {
    this(workspace, currency, day, amount, lineItems, lastSource, drivers, null);
  }

  public static DailySpend empty() {
    return new DailySpend(null, null, null, BigDecimal.ZERO, 0, null, Map.of(), Map.of());
  }

  public static String key(CostRecord record) {
    return record.workspace().workspaceId() + "|" + record.currency() + "|" + day(record);
  }

  public DailySpend add(CostRecord record) {
    return new DailySpend(AzureResourceId.workspace(record.workspace().workspaceId()), record.currency(),
        day(record), amount.add(record.cost()), lineItems + 1, record.source() == null ? lastSource
        : record.source(), drivers(record, BigDecimal::add), storage(record, BigDecimal::add));
  }

  public DailySpend subtract(CostRecord record) {
    return new DailySpend(workspace, currency, day, amount.subtract(record.cost()), lineItems - 1, lastSource,
        drivers(record, BigDecimal::subtract), storage(record, BigDecimal::subtract));
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

  private static LocalDate day(CostRecord record) {
    return LocalDate.ofInstant(record.periodStart(), ZoneOffset.UTC);
  }
}
