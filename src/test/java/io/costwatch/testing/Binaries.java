package io.costwatch.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real tools the integration tests start: an explicit variable first, then the PATH; and decides what a
 * missing one means. On a developer machine a test skips with the reason; under {@code CI=true} it fails, so a broken
 * install step in {@code .ci/run} turns the build red instead of into skips.
 *
 * <p>Docker is the one exception: these CI machines have no Docker engine, so a Testcontainers test (there is none
 * today) must skip everywhere, through {@link #skipWithoutDocker}, with that reason in the report.
 */
public final class Binaries {

  private Binaries() {
  }

  /** Whether this is a CI build ({@code CI=true}, as GitHub Actions, GitLab and most CI systems set it). */
  public static boolean onCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** The tool, or a skip ({@code CI} unset) or a failure ({@code CI=true}) naming {@code missing}. */
  public static <T> T require(Optional<T> tool, String missing) {
    require(tool.isPresent(), missing);
    return tool.get();
  }

  /** Continues when {@code present}; else skips the test, or fails it under {@code CI=true}, with {@code missing}. */
  public static void require(boolean present, String missing) {
    if (present) {
      return;
    }
    if (onCi()) {
      throw new AssertionError("CI=true and a required tool is missing (an install step in .ci/run failed?): "
          + missing);
    }
    Assumptions.abort(missing);
  }

  /** Testcontainers tests: skipped on every machine without a Docker engine, CI included, with the reason. */
  public static void skipWithoutDocker() {
    boolean docker = Files.exists(Path.of("/var/run/docker.sock")) || System.getenv("DOCKER_HOST") != null;
    Assumptions.assumeTrue(docker, "no Docker engine (no /var/run/docker.sock, DOCKER_HOST unset): Testcontainers "
        + "tests are skipped, also under CI, whose machines have no Docker");
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
