package io.costwatch.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads the Microsoft cloud monitoring dataset ({@code <domain>/<series>.csv} with {@code TimeStamp,Value,Label},
 * per minute or per hour) into hourly or daily buckets: values are summed per bucket (spend adds up), and a bucket
 * is anomalous when any of its points is labelled 1. Missing points and empty values contribute nothing (a
 * bucket without any value is zero, as a day without billing rows is), but their labels still count.
 */
public final class MsCloudMonitoring {

  private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss]", Locale.ROOT);

  private MsCloudMonitoring() {
  }

  /** Every {@code *.csv} under {@code root}, sorted by path, bucketed per hour (or per day when {@code daily}). */
  public static List<LabelledSeries> load(Path root, boolean daily) {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<LabelledSeries> series = new ArrayList<>();
    for (Path file : files) {
      String dataset = root.relativize(file).getParent() == null ? "ms" : root.relativize(file).getParent().toString();
      series.add(read(file, dataset, daily));
    }
    return series;
  }

  static LabelledSeries read(Path file, String dataset, boolean daily) {
    TreeMap<Instant, double[]> buckets = new TreeMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChronoUnit unit = daily ? ChronoUnit.DAYS : ChronoUnit.HOURS;
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] cells = line.split(",");
      if (cells.length < 3) {
        continue;
      }
      Instant at = parseTime(unquote(cells[0])).truncatedTo(unit);
      String valueText = unquote(cells[1]);
      double value = valueText.isEmpty() ? 0 : Double.parseDouble(valueText);
      boolean anomaly = Double.parseDouble(unquote(cells[2])) >= 1;
      double[] bucket = buckets.computeIfAbsent(at, k -> new double[2]);
      bucket[0] += value;
      bucket[1] = Math.max(bucket[1], anomaly ? 1 : 0);
    }
    Instant first = buckets.firstKey();
    int n = (int) unit.between(first, buckets.lastKey()) + 1;
    Instant[] starts = new Instant[n];
    double[] values = new double[n];
    boolean[] labels = new boolean[n];
    for (int i = 0; i < n; i++) {
      starts[i] = first.plus(i, unit);
      double[] bucket = buckets.get(starts[i]);
      values[i] = bucket == null ? 0 : bucket[0];
      labels[i] = bucket != null && bucket[1] > 0;
    }
    String name = file.getFileName().toString().replace(".csv", "");
    return new LabelledSeries(dataset, name, daily, starts, values, labels, List.of());
  }

  static Instant parseTime(String text) {
    String t = text.trim();
    if (t.endsWith("Z")) {
      return Instant.parse(t);
    }
    if (t.contains("T")) {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    }
    return LocalDateTime.parse(t, SPACED).toInstant(ZoneOffset.UTC);
  }

  private static String unquote(String cell) {
    String c = cell.trim();
    return c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"") ? c.substring(1, c.length() - 1) : c;
  }
}
