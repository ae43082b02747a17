package io.costwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README is a short front page, and every link of the user docs resolves to a file inside the repository. */
class DocsLinksTest {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void theReadmeIsAShortFrontPage() throws IOException {
    long size = Files.size(Path.of("README.md"));
    assertTrue(size <= 12 * 1024, "README.md has " + size + " bytes: reference belongs in docs/");
  }

  @Test
  void everyDocLinkResolvesInsideTheRepository() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path doc : docs()) {
      Matcher link = LINK.matcher(Files.readString(doc));
      while (link.find()) {
        String target = link.group(1).replaceAll("#.*$", "");
        if (target.isEmpty()) {
          continue;
        }
        if (target.matches("^[a-z]+:.*")) {
          broken.add(doc + ": " + target + " (outside the repository)");
          continue;
        }
        Path resolved = doc.toAbsolutePath().getParent().resolve(target).normalize();
        if (!resolved.startsWith(ROOT)) {
          broken.add(doc + ": " + target + " (outside the repository)");
        } else if (!Files.exists(resolved)) {
          broken.add(doc + ": " + target + " (missing)");
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  private static List<Path> docs() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
    for (Path dir : List.of(Path.of("docs"), Path.of("src/site/markdown"), Path.of("topology"))) {
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
      }
    }
    return docs;
  }
}
