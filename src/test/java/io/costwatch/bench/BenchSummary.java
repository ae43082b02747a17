package io.costwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/** Joins the JMH results ({@code jmh.json}) and the end-to-end report into {@code target/bench-summary.md}. */
public final class BenchSummary {

  private BenchSummary() {
  }

  /** Re-renders {@code target/bench-summary.md} from the files a bench run left (argument: the target directory). */
  public static void main(String[] args) throws IOException {
    Path target = Path.of(args.length > 0 ? args[0] : "target");
    String pipeline = Files.readString(target.resolve("pipeline-throughput.md"));
    Files.writeString(target.resolve("bench-summary.md"),
        render(target.resolve("jmh.json"), pipeline, Instant.now()));
  }

  static String render(Path jmhJson, String pipelineReport, Instant at) throws IOException {
    StringBuilder out = new StringBuilder("# Costwatch benchmark summary\n\n");
    out.append("Generated ").append(at).append(" on ").append(MachineStats.machine())
        .append(". Shared machine: compare CPU seconds and load, not wall clock alone.\n\n");
    out.append("## JMH microbenchmarks\n\n");
    if (!Files.exists(jmhJson)) {
      out.append("(no ").append(jmhJson).append(": JMH was not run)\n\n");
    } else {
      out.append("| benchmark | score | ± error (99.9%) | unit | alloc B/op | CPU s (3 measured s) | busy cores "
          + "| load 1m |\n|---|---:|---:|---|---:|---:|---:|---:|\n");
      for (JsonNode b : new ObjectMapper().readTree(jmhJson.toFile())) {
        JsonNode primary = b.path("primaryMetric");
        JsonNode secondary = b.path("secondaryMetrics");
        out.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %s | %s | %s | %s | %s |%n",
            b.path("benchmark").asText().replace("io.costwatch.bench.", ""), primary.path("score").asDouble(),
            primary.path("scoreError").asDouble(), primary.path("scoreUnit").asText(),
            secondaryScore(secondary, "gc.alloc.rate.norm", "%.0f"),
            secondaryScore(secondary, "·cpu.seconds", "%.2f"),
            secondaryScore(secondary, "·cpu.busy-cores", "%.2f"), secondaryScore(secondary, "·load.1m", "%.2f")));
      }
      out.append("\nScores are operations per second, one operation being one metric record (MetricParseBench), "
          + "one export row (BillingParseBench), one sample added (UsageWindowBench) or one evaluation "
          + "(DetectorBench). Error is JMH's 99.9% interval over 3 one-second iterations of 1 fork: wide by "
          + "design.\n\n");
    }
    return out.append(pipelineReport).toString();
  }

  private static String secondaryScore(JsonNode secondary, String name, String format) {
    JsonNode node = secondary.path(name).path("score");
    return node.isMissingNode() ? "n/a" : String.format(Locale.ROOT, format, node.asDouble());
  }
}
