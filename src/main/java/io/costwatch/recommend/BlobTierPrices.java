package io.costwatch.recommend;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * List prices of the Blob Storage access tiers (Hot, Cool, Cold, Archive), from the shipped table
 * {@value #SHIPPED} or a user's table in the same format ({@code COSTWATCH_STORAGE_PRICES_FILE}). They are used region-agnostically and only as ratios to the Hot price: the lifecycle-policy
 * estimate scales them by what the account is actually billed for Hot capacity.
 */
public final class BlobTierPrices {

  public static final String SHIPPED = "/prices/azure-storage-prices.csv";

  private static final List<String> COLUMNS = List.of("tier", "gbMonth", "readPer10k", "writePer10k",
      "retrievalPerGb", "minDays", "currency", "region", "redundancy", "source", "asOf");
  private static final List<String> REQUIRED_TIERS = List.of("hot", "cool", "archive");

  /**
   * One access tier's prices.
   *
   * @param gbMonth capacity per GB-month
   * @param readPer10k read operations per 10,000
   * @param retrievalPerGb data retrieval per GB read (zero for Hot)
   * @param minDays early-deletion minimum stay in days
   */
  public record Tier(String tier, BigDecimal gbMonth, BigDecimal readPer10k, BigDecimal writePer10k,
      BigDecimal retrievalPerGb, int minDays, String currency, String region, String redundancy, String source,
      String asOf) {
  }

  private final Map<String, Tier> byTier;

  private BlobTierPrices(Map<String, Tier> byTier) {
    this.byTier = byTier;
  }

  public static BlobTierPrices shipped() {
    try (InputStream in = BlobTierPrices.class.getResourceAsStream(SHIPPED)) {
      if (in == null) {
        throw new IllegalStateException("price table " + SHIPPED + " is missing from the classpath");
      }
      return read(new InputStreamReader(in, StandardCharsets.UTF_8), SHIPPED);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A user's table in the shipped format, replacing the shipped one as a whole (not merged row by row: the rows are
   * used as ratios to the Hot row, so they must come from one source).
   *
   * @throws IllegalArgumentException naming the file and line when a column, value or required tier is missing
   * @throws UncheckedIOException when the file cannot be read
   */
  public static BlobTierPrices fromFile(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(reader, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read storage price file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The table in {@code file}, or the shipped one when {@code file} is null. */
  public static BlobTierPrices fromFileOrShipped(Path file) {
    return file == null ? shipped() : fromFile(file);
  }

  static BlobTierPrices read(Reader reader, String name) throws IOException {
    String text = readAll(reader);
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
        .setCommentMarker('#').setIgnoreEmptyLines(true).setTrim(true).get();
    Map<String, Tier> tiers = new LinkedHashMap<>();
    try (CSVParser parser = CSVParser.parse(text, format)) {
      List<String> missing = new ArrayList<>(COLUMNS);
      missing.removeAll(parser.getHeaderNames());
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(name + " line " + headerLine(text) + ": header has no column "
            + String.join(", ", missing) + " (expected " + String.join(",", COLUMNS) + ")");
      }
      for (CSVRecord row : parser) {
        int line = lineOf(text, row.getCharacterPosition());
        try {
          Tier tier = new Tier(text(row, "tier"), price(row, "gbMonth"), price(row, "readPer10k"),
              price(row, "writePer10k"), price(row, "retrievalPerGb"), days(row, "minDays"), text(row, "currency"),
              text(row, "region"), text(row, "redundancy"), text(row, "source"), text(row, "asOf"));
          if (tiers.putIfAbsent(tier.tier().toLowerCase(Locale.ROOT), tier) != null) {
            throw new IllegalArgumentException("tier " + tier.tier() + " appears twice");
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(name + " line " + line + ": " + e.getMessage(), e);
        }
      }
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(name + ": not a readable CSV table: " + e.getMessage(), e);
    }
    for (String required : REQUIRED_TIERS) {
      if (!tiers.containsKey(required)) {
        throw new IllegalArgumentException(name + " has no " + required + " row (needs hot, cool and archive)");
      }
    }
    if (tiers.get("hot").gbMonth().signum() <= 0) {
      throw new IllegalArgumentException(name + ": the hot row's gbMonth must be positive (every tier is priced as a "
          + "ratio to it)");
    }
    return new BlobTierPrices(Map.copyOf(tiers));
  }

  private static String text(CSVRecord row, String column) {
    String value = row.isSet(column) ? row.get(column) : "";
    if (value.isEmpty()) {
      throw new IllegalArgumentException("no value in column " + column);
    }
    return value;
  }

  private static BigDecimal price(CSVRecord row, String column) {
    String value = text(row, column);
    try {
      BigDecimal price = new BigDecimal(value);
      if (price.signum() < 0) {
        throw new IllegalArgumentException(column + "=" + value + " is negative");
      }
      return price;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + "=" + value + " is not a number");
    }
  }

  private static int days(CSVRecord row, String column) {
    String value = text(row, column);
    try {
      int days = Integer.parseInt(value);
      if (days < 0) {
        throw new IllegalArgumentException(column + "=" + value + " is negative");
      }
      return days;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + "=" + value + " is not a whole number of days");
    }
  }

  private static String readAll(Reader reader) throws IOException {
    StringBuilder out = new StringBuilder();
    char[] buffer = new char[8192];
    for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
      out.append(buffer, 0, n);
    }
    return out.toString();
  }

  /** The 1-based line of the character at {@code position}. */
  private static int lineOf(String text, long position) {
    int line = 1;
    for (int i = 0; i < position && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The 1-based line of the header: the first line that is neither blank nor a comment. */
  private static int headerLine(String text) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String trimmed = lines[i].trim();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        return i + 1;
      }
    }
    return 1;
  }

  public Optional<Tier> find(String tier) {
    return tier == null ? Optional.empty() : Optional.ofNullable(byTier.get(tier.toLowerCase(Locale.ROOT)));
  }

  public Tier hot() {
    return byTier.get("hot");
  }

  public Tier cool() {
    return byTier.get("cool");
  }

  public Tier archive() {
    return byTier.get("archive");
  }
}
