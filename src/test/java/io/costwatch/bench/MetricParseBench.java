package io.costwatch.bench;

import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.SourceRef;
import io.costwatch.ingest.monitor.MetricPayloadParser;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing of one Azure Monitor event body of 50 records, per shape. The score is metric records per second
 * ({@link OperationsPerInvocation} = 50): the ceiling of the topology's parse step on one core.
 * Sixteen different bodies rotate so branch prediction does not learn one body.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MetricParseBench {

  private static final int BODIES = 16;
  private static final SourceRef SOURCE = new SourceRef("azure.monitor-metrics.raw.v1/0", 42, -1);

  private final MetricPayloadParser parser = new MetricPayloadParser();
  private String[] diagnostic;
  private String[] dcr;
  private int next;

  @Setup
  public void generate() {
    MetricBodies bodies = new MetricBodies(7);
    Instant minute = Instant.parse("2025-06-15T10:00:00Z");
    diagnostic = new String[BODIES];
    dcr = new String[BODIES];
    for (int i = 0; i < BODIES; i++) {
      diagnostic[i] = bodies.body(MetricBodies.Shape.DIAGNOSTIC, i, minute.plusSeconds(60L * i));
      dcr[i] = bodies.body(MetricBodies.Shape.DCR, i, minute.plusSeconds(60L * i));
    }
    requireAllParsed(parser.parse(diagnostic[0], SOURCE));
    requireAllParsed(parser.parse(dcr[0], SOURCE));
  }

  @Benchmark
  @OperationsPerInvocation(MetricBodies.RECORDS_PER_BODY)
  public List<ParseResult<MetricSample>> diagnosticSettings() {
    return parser.parse(diagnostic[next++ & (BODIES - 1)], SOURCE);
  }

  @Benchmark
  @OperationsPerInvocation(MetricBodies.RECORDS_PER_BODY)
  public List<ParseResult<MetricSample>> dcrExport() {
    return parser.parse(dcr[next++ & (BODIES - 1)], SOURCE);
  }

  /** A benchmark of the rejection path would be a different benchmark: fail loudly if the input is not valid. */
  private static void requireAllParsed(List<ParseResult<MetricSample>> results) {
    long parsed = results.stream().filter(r -> r instanceof ParseResult.Parsed<MetricSample>).count();
    if (parsed != MetricBodies.RECORDS_PER_BODY) {
      throw new IllegalStateException("expected " + MetricBodies.RECORDS_PER_BODY + " parsed records, got " + parsed
          + ": " + results.get(0));
    }
  }
}
