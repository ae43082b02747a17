package io.costwatch.bench;

import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link BillingRowParser#parse} of one row, in rows per second, over the real public exports kept as test
 * resources: the FinOps toolkit's EA actual and amortized files (39 rows) and the FOCUS 1.0 sample (1,000 rows).
 * The rows are read once by {@link ExportReader}; CSV reading is not measured. Rows rotate in file order.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class BillingParseBench {

  private final BillingRowParser parser = new BillingRowParser();
  private RawBillingRow[] ea;
  private RawBillingRow[] focus;
  private int nextEa;
  private int nextFocus;

  @Setup
  public void read() {
    ea = rows("billing/finops-toolkit-ea/EA_ActualCost_Small.csv",
        "billing/finops-toolkit-ea/EA_AmortizedCost_Small.csv");
    focus = rows("billing/focus-sample/focus_sample.csv");
  }

  @Benchmark
  public ParseResult<CostRecord> eaRow() {
    RawBillingRow row = ea[nextEa];
    nextEa = nextEa + 1 == ea.length ? 0 : nextEa + 1;
    return parser.parse(row);
  }

  @Benchmark
  public ParseResult<CostRecord> focusRow() {
    RawBillingRow row = focus[nextFocus];
    nextFocus = nextFocus + 1 == focus.length ? 0 : nextFocus + 1;
    return parser.parse(row);
  }

  private static RawBillingRow[] rows(String... resources) {
    List<Path> paths = new ArrayList<>();
    for (String resource : resources) {
      try {
        paths.add(Path.of(BillingParseBench.class.getClassLoader().getResource(resource).toURI()));
      } catch (URISyntaxException | NullPointerException e) {
        throw new IllegalStateException("test resource " + resource + " not found on the classpath", e);
      }
    }
    List<RawBillingRow> rows = new ArrayList<>();
    new ExportReader().read(paths, rows::add);
    if (rows.isEmpty()) {
      throw new IllegalStateException("no rows in " + paths);
    }
    return rows.toArray(RawBillingRow[]::new);
  }
}
