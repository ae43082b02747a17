package io.costwatch.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds the real tools the integration tests start: an explicit variable first, then the PATH. */
public final class Binaries {

  private Binaries() {
  }

  /** {@code $envVariable} when it names an executable, else the first of {@code names} on the PATH. */
  public static Optional<Path> find(String envVariable, List<String> names) {
    String explicit = System.getenv(envVariable);
    if (explicit != null && !explicit.isBlank() && Files.isExecutable(Path.of(explicit))) {
      return Optional.of(Path.of(explicit));
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      for (String name : names) {
        if (!dir.isBlank() && Files.isExecutable(Path.of(dir, name))) {
          return Optional.of(Path.of(dir, name));
        }
      }
    }
    return Optional.empty();
  }
}
