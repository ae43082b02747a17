package io.costwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists exactly the settings of {@link Settings}, and every name the repository uses is one. */
class ConfigurationDocsTest {

  private static final Path DOC = Path.of("docs", "configuration.md");
  private static final Pattern NAME = Pattern.compile("COSTWATCH_[A-Z0-9_]+");
  /** Names written on purpose to test the unknown-name error. */
  private static final Set<String> DELIBERATELY_UNKNOWN = Set.of("COSTWATCH_ALERTMANGER_URL",
      "COSTWATCH_ZZZ_QQQ_XXXXXXXXXX", "COSTWATCH_WEBHOOK_SECRT", "COSTWATCH_NOT_LISTED");

  @Test
  void theReferenceInDocsConfigurationMdIsGeneratedFromTheSettings() throws IOException {
    String committed = Files.readString(DOC);
    String expected = ConfigurationDocs.update(committed);
    if (Boolean.getBoolean("costwatch.updateConfigDocs")) {
      Files.writeString(DOC, expected);
    }
    assertEquals(expected, Files.readString(DOC),
        DOC + " is out of date: regenerate with -Dcostwatch.updateConfigDocs=true and review the diff");
  }

  @Test
  void everyCostwatchNameInTheRepositoryIsAListedSetting() throws IOException {
    Set<String> unknown = new TreeSet<>();
    for (Path root : List.of(Path.of("src"), Path.of("docs"), Path.of("docker"), Path.of(".ci"),
        Path.of("README.md"), Path.of("topology"), Path.of("grafana"))) {
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(Files::isRegularFile).forEach(file -> unknown.addAll(unknownNames(file)));
      }
    }
    assertTrue(unknown.isEmpty(), "used but not listed in io.costwatch.config.Settings (the loader rejects them): "
        + unknown);
  }

  @Test
  void theScanReportsAnUnlistedNameButNotPrefixesOrListedNames(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    String unlisted = "COSTWATCH_" + "UNLISTED_THING";
    Path file = Files.writeString(dir.resolve("notes.md"), "set " + unlisted + ", COSTWATCH_GPU_* and "
        + "COSTWATCH_EGRESS_MIN_DELTA (the COSTWATCH_EGRESS_ gates)");

    assertEquals(Set.of(unlisted + " (" + file + ")"), unknownNames(file));
  }

  private static Set<String> unknownNames(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (java.nio.charset.MalformedInputException e) {
      return Set.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> out = new TreeSet<>();
    Matcher m = NAME.matcher(text);
    while (m.find()) {
      String name = m.group();
      boolean prefix = name.endsWith("_") || m.end() < text.length() && text.charAt(m.end()) == '*';
      if (!prefix && !DELIBERATELY_UNKNOWN.contains(name) && Settings.find(name).isEmpty()) {
        out.add(name + " (" + file + ")");
      }
    }
    return out;
  }
}
