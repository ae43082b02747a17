package io.costwatch.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.costwatch.detect.SpendSpikeDetector;
import io.costwatch.detect.spend.SeasonalBaseline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measures the spend-spike rule against labelled data, next to a naive rolling mean + 3 sigma baseline: the
 * Microsoft cloud monitoring series (values treated as spend, hourly buckets by default) and generated daily spend
 * scenarios with known spikes and traps. Reports precision, recall, F1, event recall and false alarms per 100
 * series-days per dataset and overall.
 */
public final class SpendEvaluation {

  /** One row of the report: a dataset (or a total) scored for the rule and for the naive baseline. */
  public record Row(String dataset, Tally rule, Tally naive) {
  }

  /** The report: the rows, ms-cloud-monitoring datasets first, then generated ones, then the totals. */
  public record Report(EvalConfig config, List<Row> rows) {

    public Row row(String dataset) {
      return rows.stream().filter(r -> r.dataset().equals(dataset)).findFirst().orElseThrow();
    }
  }

  public static final String MS_TOTAL = "ms-cloud-monitoring (all)";
  public static final String GENERATED_TOTAL = "generated (all)";
  public static final String OVERALL = "overall";

  private SpendEvaluation() {
  }

  public static void main(String[] args) throws IOException {
    EvalConfig config = EvalConfig.parse(args);
    Report report = run(config, MsCloudMonitoring.load(config.dataDir(), config.msDaily()),
        SpendScenarios.generate(config.seed(), config.scenarios(), config.days()));
    String markdown = markdown(report);
    Path out = config.output();
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    if (out.toString().endsWith(".json")) {
      Files.writeString(out, json(report), StandardCharsets.UTF_8);
    } else {
      Files.writeString(out, markdown, StandardCharsets.UTF_8);
    }
    System.out.print(markdown);
  }

  /** Scores both detectors over the given ms-cloud-monitoring and generated series. */
  public static Report run(EvalConfig config, List<LabelledSeries> ms, List<LabelledSeries> generated) {
    SpendSpikeDetector detector = new SpendSpikeDetector(config.rules(), config.hourly());
    Map<String, Row> byDataset = new TreeMap<>();
    Row msTotal = new Row(MS_TOTAL, new Tally(), new Tally());
    Row generatedTotal = new Row(GENERATED_TOTAL, new Tally(), new Tally());
    for (LabelledSeries raw : ms) {
      score(config, detector, scaled(raw, config), byDataset, msTotal);
    }
    Map<String, Row> generatedRows = new TreeMap<>();
    for (LabelledSeries s : generated) {
      score(config, detector, s, generatedRows, generatedTotal);
    }
    Row overall = new Row(OVERALL, new Tally(), new Tally());
    for (Row total : List.of(msTotal, generatedTotal)) {
      overall.rule().addAll(total.rule());
      overall.naive().addAll(total.naive());
    }
    List<Row> rows = new ArrayList<>(byDataset.values());
    rows.add(msTotal);
    rows.addAll(generatedRows.values());
    rows.add(generatedTotal);
    rows.add(overall);
    return new Report(config, List.copyOf(rows));
  }

  private static void score(EvalConfig config, SpendSpikeDetector detector, LabelledSeries s, Map<String, Row> rows,
      Row total) {
    int lookback = s.daily() ? config.rules().lookbackDays() : config.hourly().lookbackHours();
    int warmup = s.daily() ? config.rules().minHistoryDays() : config.hourly().minHistoryHours();
    boolean[] rule = StreamingRun.detector(detector, s);
    boolean[] naive = StreamingRun.naive(s, lookback, warmup, config.naiveSigmas());
    Row row = rows.computeIfAbsent(s.dataset(), d -> new Row(d, new Tally(), new Tally()));
    row.rule().add(s, rule, warmup);
    row.naive().add(s, naive, warmup);
    total.rule().add(s, rule, warmup);
    total.naive().add(s, naive, warmup);
  }

  /**
   * The series in money: rescaled so that the median of its positive values in the warm-up (which is never scored)
   * is {@code msDailySpend} per day. Only the unit changes, so only the $ floors are affected.
   */
  static LabelledSeries scaled(LabelledSeries s, EvalConfig config) {
    int warmup = Math.min(s.size(), s.daily() ? config.rules().minHistoryDays() : config.hourly().minHistoryHours());
    double typical = positiveMedian(s.values(), warmup);
    if (typical <= 0) {
      typical = positiveMedian(s.values(), s.size());
    }
    double perPoint = config.msDailySpend() * s.pointHours() / 24.0;
    double factor = typical <= 0 ? 1 : perPoint / typical;
    double[] values = new double[s.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = s.values()[i] * factor;
    }
    return new LabelledSeries(s.dataset(), s.name(), s.daily(), s.starts(), values, s.labels(), s.revisions());
  }

  private static double positiveMedian(double[] values, int n) {
    double[] positive = new double[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (values[i] > 0) {
        positive[k++] = values[i];
      }
    }
    return SeasonalBaseline.median(positive, k);
  }

  static String markdown(Report report) {
    EvalConfig c = report.config();
    StringBuilder md = new StringBuilder();
    md.append("# Spend-spike evaluation\n\n");
    md.append(String.format(Locale.ROOT, "Rule: lookback %d days, min history %d days, min delta %s, min %% %.1f, "
            + "robust z %.2f; hourly: lookback %d h, min history %d h, min delta %s. ms-cloud-monitoring cadence: %s, "
            + "typical spend %.0f/day. Generated: %d scenarios x %d days, seed %d. Naive: mean + %.1f sigma.%n%n",
        c.rules().lookbackDays(), c.rules().minHistoryDays(), c.rules().minDelta().toPlainString(),
        c.rules().minPercent(), c.rules().robustZ(), c.hourly().lookbackHours(), c.hourly().minHistoryHours(),
        c.hourly().minDelta().stripTrailingZeros().toPlainString(), c.msDaily() ? "daily" : "hourly",
        c.msDailySpend(), c.scenarios(), c.days(), c.seed(), c.naiveSigmas()));
    md.append("| dataset | series | series-days | labelled pts | events | rule P | rule R | rule F1 | rule event R "
        + "| rule FA/100d | naive P | naive R | naive F1 | naive event R | naive FA/100d |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row row : report.rows()) {
      Tally r = row.rule();
      Tally n = row.naive();
      boolean total = row.dataset().equals(MS_TOTAL) || row.dataset().equals(GENERATED_TOTAL)
          || row.dataset().equals(OVERALL);
      String name = total ? "**" + row.dataset() + "**" : row.dataset();
      md.append(String.format(Locale.ROOT,
          "| %s | %d | %.1f | %d | %d | %.3f | %.3f | %.3f | %.3f | %.2f | %.3f | %.3f | %.3f | %.3f | %.2f |%n",
          name, r.series(), r.seriesDays(), r.truePositives() + r.falseNegatives(), r.events(), r.precision(),
          r.recall(), r.f1(), r.eventRecall(), r.falseAlarmsPer100SeriesDays(), n.precision(), n.recall(), n.f1(),
          n.eventRecall(), n.falseAlarmsPer100SeriesDays()));
    }
    md.append("\nP/R/F1 per point (day or hour) over points with enough history; event R: runs of labelled points "
        + "with at least one flagged point; FA/100d: false positives per 100 scored series-days.\n");
    return md.toString();
  }

  static String json(Report report) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Row row : report.rows()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dataset", row.dataset());
      entry.put("rule", metrics(row.rule()));
      entry.put("naive", metrics(row.naive()));
      rows.add(entry);
    }
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Map.of("rows", rows));
  }

  private static Map<String, Object> metrics(Tally t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("series", t.series());
    m.put("seriesDays", t.seriesDays());
    m.put("truePositives", t.truePositives());
    m.put("falsePositives", t.falsePositives());
    m.put("falseNegatives", t.falseNegatives());
    m.put("precision", t.precision());
    m.put("recall", t.recall());
    m.put("f1", t.f1());
    m.put("eventRecall", t.eventRecall());
    m.put("falseAlarmsPer100SeriesDays", t.falseAlarmsPer100SeriesDays());
    return m;
  }
}
