package io.costwatch.ingest.billing;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Expands the paths given to {@link ExportReader} into the CSV files to read. A manifest is the export's own list of
 * its files (Microsoft warns not to parse blob paths), so it is followed rather than the folder listed; a directory
 * is read as independent files, each its own run, except the {@code part_} files of one run folder.
 */
final class ExportSources {

  private static final Pattern PART_FILE = Pattern.compile("part_\\d+_\\d+\\.csv(\\.gz)?");

  private ExportSources() {
  }

  static List<ExportFile> resolve(List<Path> paths) {
    List<ExportFile> files = new ArrayList<>();
    for (Path path : paths) {
      if (!Files.exists(path)) {
        throw new UncheckedIOException("export path does not exist: " + path, new NoSuchFileException(path.toString()));
      }
      if (Files.isDirectory(path)) {
        directory(path).forEach(file -> files.add(new ExportFile(file, runOf(file))));
      } else if (isManifest(path)) {
        files.addAll(manifest(path));
      } else {
        files.add(new ExportFile(path, path.toString()));
      }
    }
    return files;
  }

  /**
   * The run a file of a listed folder belongs to: the improved export splits a large run into {@code part_N_NNNN.csv}
   * files in the run's own folder, so those files are one run (their folder); any other file is a run of its own
   * (legacy exports write one file per run, all runs of a month side by side).
   */
  static String runOf(Path file) {
    return PART_FILE.matcher(name(file)).matches() && file.getParent() != null ? file.getParent().toString()
        : file.toString();
  }

  static boolean isExportFile(Path path) {
    String name = name(path);
    return name.endsWith(".csv") || name.endsWith(".csv.gz");
  }

  private static boolean isManifest(Path path) {
    String name = name(path);
    return name.equals("manifest.json") || name.equals("_manifest.json");
  }

  private static List<Path> directory(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(ExportSources::isExportFile)
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new UncheckedIOException("cannot list export directory " + dir, asIo(e));
    }
  }

  /**
   * Improved exports write {@code manifest.json} with {@code runInfo.runId}; legacy partitioned exports write
   * {@code _manifest.json} without a run id, so the manifest path stands in for it. Zero blobs is an empty export.
   */
  private static List<ExportFile> manifest(Path manifest) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(manifest.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read export manifest " + manifest, e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("export manifest " + manifest + " is not a JSON object");
    }
    String runId = root.path("runInfo").path("runId").asText("");
    String exportRun = runId.isBlank() ? manifest.toString() : runId;
    List<ExportFile> files = new ArrayList<>();
    for (JsonNode blob : root.path("blobs")) {
      String blobName = blob.path("blobName").asText("");
      if (blobName.isBlank()) {
        throw new IllegalArgumentException("export manifest " + manifest + " lists a blob without blobName");
      }
      files.add(new ExportFile(blobPath(manifest, blobName), exportRun));
    }
    return files;
  }

  /** The blob under the manifest's folder by its full name, else by its file name next to the manifest. */
  private static Path blobPath(Path manifest, String blobName) {
    Path folder = manifest.getParent() == null ? Path.of("") : manifest.getParent();
    Path full = folder.resolve(blobName);
    if (Files.isRegularFile(full)) {
      return full;
    }
    String fileName = blobName.substring(blobName.lastIndexOf('/') + 1);
    Path local = folder.resolve(fileName);
    if (Files.isRegularFile(local)) {
      return local;
    }
    throw new UncheckedIOException("export manifest " + manifest + " lists blob " + blobName
        + ", found neither " + full + " nor " + local, new NoSuchFileException(local.toString()));
  }

  private static String name(Path path) {
    Path fileName = path.getFileName();
    return fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
  }

  private static IOException asIo(Exception e) {
    return e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
  }
}
