package io.costwatch.detect.spend;

import io.costwatch.core.CostRecord;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Storage and network measures of billing line items, per resource and meter: what the egress, storage-growth and
 * cold-data rules read. Matching is on Cost Management's meter text, case-insensitively, as the EA and FOCUS exports
 * spell it (e.g. MeterCategory {@code Bandwidth}, MeterName {@code Intra Continent Data Transfer Out}; MeterSubCategory
 * {@code Tiered Block Blob}, MeterName {@code Hot LRS Data Stored}, unit {@code 1 GB/Month}).
 *
 * <p>Measures are keyed {@code MEASURE|resourceId|meterName} ({@link #key}), so a workspace's day holds them in one
 * plain map next to its spend drivers; the rules sum a resource's meters with {@link #byResource}.
 */
public final class StorageMeters {

  /** What a line item adds to a resource's day. */
  public enum Measure {
    /** Cost of data transfer out (Bandwidth meters), in the billing currency. */
    EGRESS_COST,
    /** GB transferred out. */
    EGRESS_GB,
    /** Cost of Hot-tier capacity ({@code Hot ... Data Stored}). */
    HOT_STORED_COST,
    /** Hot-tier capacity in GB-months as billed: a daily row carries the day's share of the month. */
    HOT_STORED_GB_MONTH,
    /** Hot-tier read operations (count, not units of 10K). */
    HOT_READ_OPS,
    /** GB read back through {@code Data Retrieval} meters (any tier): data already being read. */
    RETRIEVAL_GB
  }

  /** One measure key taken apart. */
  public record Key(Measure measure, String resource, String meter) {
  }

  private static final char SEPARATOR = '|';
  private static final Pattern HOT = Pattern.compile("\\bhot\\b");
  private static final BigDecimal TEN_THOUSAND = BigDecimal.valueOf(10_000);

  private StorageMeters() {
  }

  /** Data transfer out: MeterCategory {@code Bandwidth}, or a meter naming {@code Data Transfer Out} or egress. */
  public static boolean isEgress(CostRecord r) {
    String text = text(r);
    if (text.contains("data transfer in")) {
      return false;
    }
    return "bandwidth".equalsIgnoreCase(trim(r.meterCategory())) || text.contains("data transfer out")
        || text.contains("egress");
  }

  /** Hot-tier capacity: MeterSubCategory or MeterName says {@code Hot} (a word) and {@code Data Stored}. */
  public static boolean isHotCapacity(CostRecord r) {
    String text = text(r);
    return HOT.matcher(text).find() && text.contains("data stored");
  }

  /** Hot-tier reads: {@code Hot ... Read Operations} ({@code All Other Operations} are metadata calls, not reads). */
  public static boolean isHotRead(CostRecord r) {
    String text = text(r);
    return HOT.matcher(text).find() && text.contains("read operations");
  }

  /** {@code Data Retrieval} meters: GB read back from the Cool, Cold or Archive tier. */
  public static boolean isRetrieval(CostRecord r) {
    return text(r).contains("data retrieval");
  }

  /** The measures a usage line item adds to, with the amounts; empty for rows none of the rules reads. */
  public static Map<String, BigDecimal> measuresOf(CostRecord r) {
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    String resource = resourceOf(r);
    String meter = trim(r.meterName());
    BigDecimal quantity = r.quantity() == null ? BigDecimal.ZERO : r.quantity();
    if (isEgress(r)) {
      out.put(key(Measure.EGRESS_COST, resource, meter), r.cost());
      out.put(key(Measure.EGRESS_GB, resource, meter), quantity.multiply(gbPerUnit(r.unit())));
    } else if (isHotCapacity(r)) {
      out.put(key(Measure.HOT_STORED_COST, resource, meter), r.cost());
      out.put(key(Measure.HOT_STORED_GB_MONTH, resource, meter), quantity.multiply(gbPerUnit(r.unit())));
    } else if (isHotRead(r)) {
      out.put(key(Measure.HOT_READ_OPS, resource, meter), quantity.multiply(operationsPerUnit(r.unit())));
    } else if (isRetrieval(r)) {
      out.put(key(Measure.RETRIEVAL_GB, resource, meter), quantity.multiply(gbPerUnit(r.unit())));
    }
    return out;
  }

  public static String key(Measure measure, String resource, String meter) {
    return measure.name() + SEPARATOR + resource + SEPARATOR + (meter == null ? "" : meter);
  }

  public static Optional<Key> parse(String key) {
    int first = key.indexOf(SEPARATOR);
    int second = first < 0 ? -1 : key.indexOf(SEPARATOR, first + 1);
    if (second < 0) {
      return Optional.empty();
    }
    for (Measure m : Measure.values()) {
      if (m.name().equals(key.substring(0, first))) {
        return Optional.of(new Key(m, key.substring(first + 1, second), key.substring(second + 1)));
      }
    }
    return Optional.empty();
  }

  /** One measure's daily series per resource, its meters summed (resource -> day -> amount). */
  public static Map<String, NavigableMap<LocalDate, BigDecimal>> byResource(
      Map<String, NavigableMap<LocalDate, BigDecimal>> series, Measure measure) {
    Map<String, NavigableMap<LocalDate, BigDecimal>> out = new TreeMap<>();
    series.forEach((k, daily) -> parse(k).filter(key -> key.measure() == measure).ifPresent(key -> {
      NavigableMap<LocalDate, BigDecimal> sum = out.computeIfAbsent(key.resource(), r -> new TreeMap<>());
      daily.forEach((day, amount) -> sum.merge(day, amount, BigDecimal::add));
    }));
    return out;
  }

  /** One measure's daily series per meter of one resource (meter -> day -> amount). */
  public static Map<String, NavigableMap<LocalDate, BigDecimal>> byMeter(
      Map<String, NavigableMap<LocalDate, BigDecimal>> series, Measure measure, String resource) {
    Map<String, NavigableMap<LocalDate, BigDecimal>> out = new TreeMap<>();
    series.forEach((k, daily) -> parse(k)
        .filter(key -> key.measure() == measure && key.resource().equals(resource))
        .ifPresent(key -> out.put(key.meter(), daily)));
    return out;
  }

  /**
   * Operations per billed unit: storage transactions are priced per 10,000, and exports say {@code 10K} (FOCUS may say
   * only {@code Units}, still per 10,000); {@code 1K}, {@code 100K} and {@code 1M} are read as written.
   */
  static BigDecimal operationsPerUnit(String unit) {
    String u = unit == null ? "" : unit.toLowerCase(Locale.ROOT).replace(" ", "").replace(",", "");
    if (u.contains("100k") || u.contains("100000")) {
      return BigDecimal.valueOf(100_000);
    }
    if (u.contains("10k") || u.contains("10000")) {
      return TEN_THOUSAND;
    }
    if (u.contains("1m") || u.contains("1000000")) {
      return BigDecimal.valueOf(1_000_000);
    }
    if (u.startsWith("1k") || u.equals("1000")) {
      return BigDecimal.valueOf(1_000);
    }
    return TEN_THOUSAND;
  }

  /** GB per billed unit: {@code 1 GB}, {@code 1 GB/Month}, {@code 1 TB/Month}, {@code 100 GB}. */
  static BigDecimal gbPerUnit(String unit) {
    String u = unit == null ? "" : unit.toLowerCase(Locale.ROOT).replace(" ", "");
    BigDecimal scale = u.startsWith("100") ? BigDecimal.valueOf(100) : u.startsWith("10") ? BigDecimal.TEN
        : BigDecimal.ONE;
    if (u.contains("tb")) {
      return scale.multiply(BigDecimal.valueOf(1024));
    }
    return scale;
  }

  private static String resourceOf(CostRecord r) {
    String id = trim(r.resourceId()).toLowerCase(Locale.ROOT);
    if (id.isEmpty() && r.workspace() != null) {
      return r.workspace().workspaceId();
    }
    return id;
  }

  private static String text(CostRecord r) {
    return (trim(r.meterCategory()) + " " + trim(r.meterSubCategory()) + " " + trim(r.meterName()))
        .toLowerCase(Locale.ROOT);
  }

  private static String trim(String s) {
    return s == null ? "" : s.trim();
  }
}
