package io.costwatch.usage;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.CostRecord;
import io.costwatch.core.SourceRef;
import io.costwatch.detect.spend.SpendDrivers;
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
 */
public record DailySpend(AzureResourceId workspace, String currency, LocalDate day, BigDecimal amount, long lineItems,
    SourceRef lastSource, Map<String, BigDecimal> drivers) {

  public static DailySpend empty() {
    return new DailySpend(null, null, null, BigDecimal.ZERO, 0, null, Map.of());
  }

  public static String key(CostRecord record) {
    return record.workspace().workspaceId() + "|" + record.currency() + "|" + day(record);
  }

  public DailySpend add(CostRecord record) {
    return new DailySpend(AzureResourceId.workspace(record.workspace().workspaceId()), record.currency(),
        day(record), amount.add(record.cost()), lineItems + 1, record.source() == null ? lastSource
        : record.source(), drivers(record, BigDecimal::add));
  }

  public DailySpend subtract(CostRecord record) {
    return new DailySpend(workspace, currency, day, amount.subtract(record.cost()), lineItems - 1, lastSource,
        drivers(record, BigDecimal::subtract));
  }

  /** The day's spend per driver (compute, meter category, meter, resource, Azure ML tags): the root-cause input. */
  private Map<String, BigDecimal> drivers(CostRecord record, BinaryOperator<BigDecimal> op) {
    Map<String, BigDecimal> next = new TreeMap<>(drivers == null ? Map.of() : drivers);
    for (String key : SpendDrivers.keysOf(record)) {
      next.put(key, op.apply(next.getOrDefault(key, BigDecimal.ZERO), record.cost()));
    }
    return Collections.unmodifiableMap(next);
  }

  private static LocalDate day(CostRecord record) {
    return LocalDate.ofInstant(record.periodStart(), ZoneOffset.UTC);
  }
}
