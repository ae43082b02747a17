package io.costwatch.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.core.Json;
import java.util.Map;

/**
 * Renders the declared topology for the {@code topology/} folder: the topic catalogue, the default detector
 * thresholds and {@code Topology.describe()} of the default build. A test keeps the committed files in sync, so a
 * renamed store or topic (a breaking change: it renames changelog and repartition topics) shows up in review.
 */
public final class TopologyDocs {

  private TopologyDocs() {
  }

  public static String describe() {
    AppConfig config = ConfigLoader.load(Map.of());
    return CostTopology.build(config).describe().toString();
  }

  public static String topics() {
    StringBuilder md = new StringBuilder("""
        # Topic catalogue

        Generated from `io.costwatch.topology.Topics` by `TopologyDocsTest`; do not edit by hand.
        Kafka Streams also creates its own changelog and repartition topics, named after the stores and
        repartition nodes in `topology.txt` (prefixed with the application id).

        | topic | key | value | partitions | configs | producer | consumer |
        |---|---|---|---|---|---|---|
        """);
    for (TopicSpec<?, ?> t : Topics.all()) {
      md.append("| `").append(t.name()).append("` | ").append(t.key()).append(" | ").append(t.value()).append(" | ")
          .append(t.partitions()).append(" | ").append(new java.util.TreeMap<>(t.configs())).append(" | ")
          .append(t.producer()).append(" | ").append(t.consumer()).append(" |\n");
    }
    return md.toString();
  }

  public static String detectorDefaults() {
    try {
      AppConfig config = ConfigLoader.load(Map.of());
      Map<String, Object> doc = new java.util.LinkedHashMap<>();
      doc.put("metricsWindow", config.metricsWindow().toString());
      doc.put("metricsGrace", config.metricsGrace().toString());
      doc.put("billingLateness", config.billingLateness().toString());
      doc.put("billingSettle", config.billingSettle().toString());
      doc.put("defaultVmSize", config.defaultVmSize());
      doc.put("rules", config.rules());
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
