package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.costwatch.alert.owners.ResourceOwners;
import io.costwatch.config.ConfigLoader;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.testing.Fixtures;
import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real broker, where the owners' global table follows its topic only after the writing transaction commits: a
 * month-to-date export whose rows show team vision for the first days and nlp after, followed by its restatement the
 * next day, publishes each change once and leaves nlp published. Compared with the global table instead (the code
 * before), the same input published 31 and 39 records for its 40 rows in two runs, since the table had not caught up
 * with the rows' own transaction; with the table at nlp and a restatement's vision and nlp rows within one commit,
 * that comparison would also drop the nlp rows and leave vision published (reasoned, not reproduced here).
 */
class OwnerLearningIT {

  @TempDir
  Path tmp;

  @Test
  void aRestatedExportWhoseOwnersChangedMidMonthLeavesItsLatestOwnersPublished() throws Exception {
    List<Path> runs = List.of(tmp.resolve("2026-11/run-01/ActualCost_202611.csv"),
        tmp.resolve("2026-11/run-02/ActualCost_202611.csv"));
    for (Path run : runs) {
      List<RawBillingRow> rows = new ArrayList<>();
      for (int day = 1; day <= 20; day++) {
        rows.add(tagged(day, day <= 10 ? "vision" : "nlp"));
      }
      Fixtures.writeEaExport(run, rows);
    }
    try (BillingReplayHarness harness = BillingReplayHarness.start(ConfigLoader.load(Map.of()), tmp, 1)) {
      harness.ingest(runs);
      BillingReplayHarness.Judged judged = harness.judge(PipelineMetrics.NONE, Duration.ofMinutes(3));
      assertNull(judged.failure());
      List<String> teams = harness.read(Topics.OWNERS).stream().map(o -> o.owners().team()).toList();
      // each run publishes its change from vision to nlp once; the second run's vision differs from the nlp sent last
      assertEquals(List.of("vision", "nlp", "vision", "nlp"), teams);
    }
  }

  private static RawBillingRow tagged(int day, String team) {
    RawBillingRow row = Fixtures.eaRow("x", 1, "ws-a", "gpu1", LocalDate.of(2026, 11, day), "20.00", "Usage",
        "meter-1");
    Map<String, String> columns = new LinkedHashMap<>(row.columns());
    columns.put("Tags", "\"team\": \"" + team + "\"");
    return new RawBillingRow(row.schemaVersion(), row.file(), row.line(), row.exportRun(), columns, null, null);
  }
}
