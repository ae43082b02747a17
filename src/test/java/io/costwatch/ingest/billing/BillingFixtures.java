package io.costwatch.ingest.billing;

import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.ingest.RawBillingRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for billing test input: rows from header lists, and the copied real export files. */
final class BillingFixtures {

  static final String EA_2024 = "billing/headers/ea_cost_usage_details_v2024-08-01_FROM_DOCS_TABLE.header.csv";
  static final String EA_2023_REAL = "billing/headers/ea_actual_amortized_export_2023_REAL_finops-toolkit-testasset.header.csv";
  static final String MCA = "billing/headers/mca_cost_usage_details_v2023-12-01-preview_FROM_DOCS_TABLE.header.csv";
  static final String PAYG = "billing/headers/payg_usage_details_v2019-11-01_FROM_DOCS_TABLE.header.csv";
  static final String FOCUS_SAMPLE = "billing/headers/focus_1.0_finops_foundation_sample_REAL.header.csv";
  static final String FOCUS_MS = "billing/headers/focus_1.0_microsoft_cost_export_FROM_FINOPS_TOOLKIT_METADATA.header.csv";

  private BillingFixtures() {
  }

  static Path resource(String name) {
    try {
      return Path.of(BillingFixtures.class.getClassLoader().getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> header(String resource) {
    try {
      String line = Files.readAllLines(resource(resource)).get(0).replace("\uFEFF", "");
      return Arrays.asList(line.split(","));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<RawBillingRow> readAll(Path... paths) {
    List<RawBillingRow> rows = new ArrayList<>();
    new ExportReader().read(List.of(paths), rows::add);
    return rows;
  }

  static CostRecord parsed(ParseResult<CostRecord> result) {
    if (result instanceof ParseResult.Parsed<CostRecord> parsed) {
      return parsed.value();
    }
    throw new AssertionError("expected a parsed record, got " + result);
  }

  static ParseResult.Rejected<CostRecord> rejected(ParseResult<CostRecord> result) {
    if (result instanceof ParseResult.Rejected<CostRecord> rejected) {
      return rejected;
    }
    throw new AssertionError("expected a rejection, got " + result);
  }

  /** A row builder over a header: every column empty until set, names matched case-insensitively. */
  static final class Row {
    private final Map<String, String> columns = new LinkedHashMap<>();
    private String file = "export.csv";
    private long line = 2;

    Row(List<String> header) {
      header.forEach(name -> columns.put(name, ""));
    }

    static Row of(String headerResource) {
      return new Row(header(headerResource));
    }

    Row set(String name, String value) {
      String key = columns.keySet().stream().filter(k -> k.equalsIgnoreCase(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no column " + name));
      columns.put(key, value);
      return this;
    }

    Row without(String name) {
      columns.keySet().removeIf(k -> k.equalsIgnoreCase(name));
      return this;
    }

    Row file(String name) {
      this.file = name;
      return this;
    }

    Row line(long number) {
      this.line = number;
      return this;
    }

    RawBillingRow build() {
      return new RawBillingRow(RawBillingRow.SCHEMA_VERSION, file, line, file, new LinkedHashMap<>(columns), null);
    }
  }
}
