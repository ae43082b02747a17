package io.costwatch.recommend;

import io.costwatch.core.Money;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Hourly list prices of the VM sizes Azure ML uses, from the shipped table or a user's file of the same columns.
 * Sizes are matched case-, space- and underscore-insensitively, with or without the {@code Standard_} prefix, because
 * billing meters and SKU names spell them differently.
 */
public final class PriceBook {

  public static final String SHIPPED = "/prices/azure-vm-prices.csv";

  private final Map<String, VmPrice> bySize;

  private PriceBook(Map<String, VmPrice> bySize) {
    this.bySize = bySize;
  }

  public static PriceBook shipped() {
    try (InputStream in = PriceBook.class.getResourceAsStream(SHIPPED)) {
      if (in == null) {
        throw new IllegalStateException("price table " + SHIPPED + " is missing from the classpath");
      }
      return read(new InputStreamReader(in, StandardCharsets.UTF_8), SHIPPED);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shipped table, with the rows of {@code file} replacing or adding sizes. */
  public static PriceBook withOverrides(Path file) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      PriceBook overrides = read(reader, file.toString());
      Map<String, VmPrice> merged = new LinkedHashMap<>(shipped().bySize);
      merged.putAll(overrides.bySize);
      return new PriceBook(Map.copyOf(merged));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read price file " + file + ": " + e.getMessage(), e);
    }
  }

  static PriceBook read(Reader reader, String name) throws IOException {
    Map<String, VmPrice> prices = new LinkedHashMap<>();
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
        .setCommentMarker('#').setIgnoreEmptyLines(true).setTrim(true).get();
    for (CSVRecord row : format.parse(reader)) {
      try {
        String currency = row.get("currency");
        String lowPriority = row.get("lowPriorityHourly");
        VmPrice price = new VmPrice(row.get("vmSize"), Integer.parseInt(row.get("gpus")), row.get("gpuModel"),
            Integer.parseInt(row.get("vcpus")), row.get("region"), new Money(new BigDecimal(row.get("hourly")),
            currency), lowPriority.isEmpty() ? null : new Money(new BigDecimal(lowPriority), currency),
            row.get("downsizeTo").isEmpty() ? null : row.get("downsizeTo"), row.get("source"), row.get("asOf"));
        prices.put(normalise(price.vmSize()), price);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " line " + row.getRecordNumber() + ": " + e.getMessage(), e);
      }
    }
    return new PriceBook(Map.copyOf(prices));
  }

  public Optional<VmPrice> find(String vmSize) {
    return vmSize == null ? Optional.empty() : Optional.ofNullable(bySize.get(normalise(vmSize)));
  }

  public int size() {
    return bySize.size();
  }

  static String normalise(String vmSize) {
    String s = vmSize.toLowerCase(Locale.ROOT).replace(" ", "").replace("_", "");
    return s.startsWith("standard") ? s.substring("standard".length()) : s;
  }
}
