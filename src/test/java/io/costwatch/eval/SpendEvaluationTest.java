package io.costwatch.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.costwatch.detect.SpendSpikeDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpendEvaluationTest {

  private static final Path MS = Path.of("../shared/data/series/ms-cloud-monitoring");

  @TempDir
  Path dir;

  /** Per-minute CSV: two hours of 1s, then an hour whose one labelled minute is 50; quoted cells and an empty value. */
  private Path minuteCsv() throws IOException {
    Path domain = Files.createDirectories(dir.resolve("domain-a"));
    List<String> lines = new ArrayList<>(List.of("TimeStamp,Value,Label"));
    Instant start = Instant.parse("2018-04-25T00:00:00Z");
    for (int m = 0; m < 180; m++) {
      String value = m == 5 ? "" : m == 150 ? "50" : "1";
      lines.add("\"" + start.plusSeconds(60L * m) + "\",\"" + value + "\"," + (m == 150 ? 1 : 0));
    }
    Files.write(domain.resolve("series-01.csv"), lines, StandardCharsets.UTF_8);
    return dir;
  }

  @Test
  void minuteSeriesAreSummedPerHourAndAnHourIsAnomalousWhenAnyMinuteIs() throws IOException {
    List<LabelledSeries> series = MsCloudMonitoring.load(minuteCsv(), false);

    LabelledSeries s = series.get(0);
    assertEquals("domain-a", s.dataset());
    assertArrayEquals(new double[] {59, 60, 109}, s.values());
    assertArrayEquals(new boolean[] {false, false, true}, s.labels());
  }

  @Test
  void bothTimestampFormatsOfTheDatasetAreRead() {
    assertEquals(Instant.parse("2018-07-03T14:00:00Z"), MsCloudMonitoring.parseTime("2018-07-03 14:00:00"));
    assertEquals(Instant.parse("2018-07-03T14:00:00Z"), MsCloudMonitoring.parseTime("2018-07-03T14:00:00Z"));
  }

  /** Ten weeks with weekends, a weekly job, a purchase, a refund and a restated day; three known spikes. */
  private static LabelledSeries knownScenario() {
    int days = 70;
    Instant[] starts = new Instant[days];
    double[] values = new double[days];
    boolean[] labels = new boolean[days];
    LocalDate monday = LocalDate.of(2025, 1, 6);
    for (int d = 0; d < days; d++) {
      starts[d] = monday.plusDays(d).atStartOfDay(ZoneOffset.UTC).toInstant();
      int dow = d % 7;
      values[d] = (dow >= 5 ? 120 : 400) + (d * 13 % 7) * 4 + (dow == 2 ? 900 : 0);
    }
    values[30] = -600;
    for (int spike : new int[] {40, 51, 63}) {
      values[spike] *= 3;
      labels[spike] = true;
    }
    List<LabelledSeries.Revision> revisions = List.of(new LabelledSeries.Revision(45, 60, 47),
        new LabelledSeries.Revision(55, values[55], 57));
    values[55] *= 2.5;
    return new LabelledSeries("generated/known", "known", true, starts, values, labels, revisions);
  }

  @Test
  void theKnownSpikesOfAScenarioAreFoundAndItsTrapsAreNot() {
    EvalConfig config = EvalConfig.parse();
    LabelledSeries s = knownScenario();

    boolean[] flagged = StreamingRun.detector(new SpendSpikeDetector(config.rules(), config.hourly()), s);

    // From the third week on: the job's second run (day 9) is rightly a spike, as it has been seen only once before.
    for (int d = 14; d < s.size(); d++) {
      assertEquals(s.labels()[d], flagged[d], "day " + d + " value " + s.values()[d]);
    }
  }

  @Test
  void generatedScenariosAreDeterministicAndTheirLargeSpikesAreFound() {
    EvalConfig config = EvalConfig.parse("--scenarios=20", "--days=70");
    List<LabelledSeries> first = SpendScenarios.generate(7, 20, 70);
    List<LabelledSeries> again = SpendScenarios.generate(7, 20, 70);
    SpendSpikeDetector detector = new SpendSpikeDetector(config.rules(), config.hourly());

    for (int k = 0; k < first.size(); k++) {
      LabelledSeries s = first.get(k);
      assertArrayEquals(s.values(), again.get(k).values());
      boolean[] flagged = StreamingRun.detector(detector, s);
      for (int d = 7; d < s.size(); d++) {
        if (s.labels()[d] && !s.labels()[d - 1] && s.values()[d] >= 3 * maxOfPreviousWeek(s, d)) {
          assertTrue(flagged[d], s.name() + " day " + d);
        }
      }
    }
  }

  private static double maxOfPreviousWeek(LabelledSeries s, int day) {
    double max = 0;
    for (int d = day - 7; d < day; d++) {
      max = Math.max(max, s.values()[d]);
    }
    return max;
  }

  @Test
  void metricsAreProportionsOnGeneratedAndRealSeries() throws IOException {
    EvalConfig config = EvalConfig.parse("--scenarios=10", "--days=60");
    List<LabelledSeries> ms = new ArrayList<>(MsCloudMonitoring.load(minuteCsv(), false));
    if (Files.isDirectory(MS)) {
      ms.add(MsCloudMonitoring.read(MS.resolve("middle-tier-api-dependency-latency/outbound-01.csv"), "real", false));
    }

    SpendEvaluation.Report report = SpendEvaluation.run(config, ms, SpendScenarios.generate(3, 10, 60));

    assertTrue(report.rows().size() >= 4);
    for (SpendEvaluation.Row row : report.rows()) {
      for (Tally t : List.of(row.rule(), row.naive())) {
        Stream.of(t.precision(), t.recall(), t.f1(), t.eventRecall())
            .forEach(v -> assertTrue(v >= 0 && v <= 1, row.dataset() + " " + v));
        assertTrue(t.falseAlarmsPer100SeriesDays() >= 0);
        assertEquals(t.points(), t.truePositives() + t.falsePositives() + t.falseNegatives() + trueNegatives(t));
      }
    }
    Tally overall = report.row(SpendEvaluation.OVERALL).rule();
    Tally parts = new Tally();
    parts.addAll(report.row(SpendEvaluation.MS_TOTAL).rule());
    parts.addAll(report.row(SpendEvaluation.GENERATED_TOTAL).rule());
    assertEquals(parts.truePositives(), overall.truePositives());
    assertEquals(parts.falsePositives(), overall.falsePositives());
  }

  private static int trueNegatives(Tally t) {
    return t.points() - t.truePositives() - t.falsePositives() - t.falseNegatives();
  }

  @Test
  void mainWritesAReportWithEveryDatasetAndTheTotals() throws IOException {
    Path data = minuteCsv();
    Path out = dir.resolve("out/report.md");

    SpendEvaluation.main(new String[] {data.toString(), out.toString(), "--scenarios=10", "--days=40",
        "--hourly-min-history-hours=1", "--robust-z=4"});

    String report = Files.readString(out);
    assertTrue(report.contains("| domain-a |"), report);
    assertTrue(report.contains("robust z 4.00"), report);
    for (String row : List.of(SpendEvaluation.MS_TOTAL, SpendEvaluation.GENERATED_TOTAL, SpendEvaluation.OVERALL)) {
      assertTrue(report.contains("**" + row + "**"), row);
    }
  }

  @Test
  void jsonOutputAndOptionErrors() throws IOException {
    Path out = dir.resolve("report.json");

    SpendEvaluation.main(new String[] {minuteCsv().toString(), out.toString(), "--scenarios=2", "--days=40"});

    assertTrue(Files.readString(out).contains("\"falseAlarmsPer100SeriesDays\""));
    assertThrows(IllegalArgumentException.class, () -> EvalConfig.parse("--robustz=3"));
    assertThrows(IllegalArgumentException.class, () -> EvalConfig.parse("--ms-cadence=weekly"));
    assertFalse(EvalConfig.parse("--ms-cadence=daily").msDaily() == EvalConfig.parse().msDaily());
  }

  @Test
  void theRealDatasetLoadsWithLabelsWhenPresent() {
    assumeTrue(Files.isDirectory(MS), "ms-cloud-monitoring not checked out next to the worktree");

    LabelledSeries s = MsCloudMonitoring.read(MS.resolve("application-crash-rate-1/app1-01.csv"), "app", false);

    assertTrue(s.size() > 300);
    int labelled = 0;
    for (boolean b : s.labels()) {
      labelled += b ? 1 : 0;
    }
    assertTrue(labelled > 0 && labelled < s.size());
  }
}
