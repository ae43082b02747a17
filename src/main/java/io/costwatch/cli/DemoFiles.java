package io.costwatch.cli;

import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.demo.DemoEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes the demo's generated input as the files Azure would give: an EA export CSV and Event Hubs bodies. */
final class DemoFiles {

  private DemoFiles() {
  }

  static void write(List<DemoEvent> events, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("billing"));
    List<RawBillingRow> rows = new ArrayList<>();
    try (BufferedWriter metrics = Files.newBufferedWriter(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
      for (DemoEvent e : events) {
        if (e.kind() == DemoEvent.Kind.METRICS) {
          metrics.write((String) e.value());
          metrics.newLine();
        } else {
          rows.add((RawBillingRow) e.value());
        }
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    List<String> header = new ArrayList<>(rows.get(0).columns().keySet());
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("billing/ea-actual-cost.csv"),
        StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new))
            .get())) {
      for (RawBillingRow row : rows) {
        csv.printRecord(header.stream().map(h -> row.columns().getOrDefault(h, "")).toList());
      }
    }
  }
}
