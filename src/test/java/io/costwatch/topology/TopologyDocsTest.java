package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The files in {@code topology/} must match what the code builds. After an intended change, regenerate them with
 * {@code mvn -q test -Dtest=TopologyDocsTest -Dcostwatch.updateTopologyDocs=true} and review the diff.
 */
class TopologyDocsTest {

  @ParameterizedTest(name = "topology/{0}")
  @CsvSource({"topology.txt, describe", "topics.md, topics", "detector-defaults.json, defaults"})
  void committedFileMatchesTheBuiltTopology(String file, String what) throws IOException {
    Supplier<String> render = switch (what) {
      case "describe" -> TopologyDocs::describe;
      case "topics" -> TopologyDocs::topics;
      default -> TopologyDocs::detectorDefaults;
    };
    Path path = Path.of("topology", file);
    String expected = render.get();
    if (Boolean.getBoolean("costwatch.updateTopologyDocs")) {
      Files.writeString(path, expected);
    }
    assertEquals(expected, Files.exists(path) ? Files.readString(path) : "<missing " + path + ">",
        path + " is out of date: regenerate with -Dcostwatch.updateTopologyDocs=true and review the diff");
  }
}
