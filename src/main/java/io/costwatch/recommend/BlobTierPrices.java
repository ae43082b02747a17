package io.costwatch.recommend;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * List prices of the Blob Storage access tiers (Hot, Cool, Cold, Archive), from the shipped table
 * {@value #SHIPPED}. They are used region-agnostically and only as ratios to the Hot price: the lifecycle-policy
 * estimate scales them by what the account is actually billed for Hot capacity.
 */
public final class BlobTierPrices {

  public static final String SHIPPED = "/prices/azure-storage-prices.csv";

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

  static BlobTierPrices read(Reader reader, String name) throws IOException {
    Map<String, Tier> tiers = new LinkedHashMap<>();
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
        .setCommentMarker('#').setIgnoreEmptyLines(true).setTrim(true).get();
    for (CSVRecord row : format.parse(reader)) {
      try {
        Tier tier = new Tier(row.get("tier"), new BigDecimal(row.get("gbMonth")), new BigDecimal(row.get("readPer10k")),
            new BigDecimal(row.get("writePer10k")), new BigDecimal(row.get("retrievalPerGb")),
            Integer.parseInt(row.get("minDays")), row.get("currency"), row.get("region"), row.get("redundancy"), row.get("source"),
            row.get("asOf"));
        tiers.put(tier.tier().toLowerCase(Locale.ROOT), tier);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " line " + row.getRecordNumber() + ": " + e.getMessage(), e);
      }
    }
    for (String required : new String[] {"hot", "cool", "archive"}) {
      if (!tiers.containsKey(required)) {
        throw new IllegalArgumentException(name + " has no " + required + " row");
      }
    }
    return new BlobTierPrices(Map.copyOf(tiers));
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
