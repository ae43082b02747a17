package io.costwatch.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo as a new user starts it: {@code costwatch demo} in a JVM of its own (default JVM flags, as
 * {@code java -jar} runs), timed from the process start to its first {@code [ALERT OPEN]} line on stdout, to
 * "Demo complete" and to its exit, with the child's CPU time at the first alert. One row per round; no test asserts
 * these times. {@code bench.demo.rounds} (3) sets the rounds, {@code bench.demo.args} extra demo options
 * (e.g. {@code --partitions 1}).
 *
 * <pre>
 * mvn -B -ntp -Pbench test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec@demo-first-alert
 * </pre>
 */
public final class DemoFirstAlertBench {

  private DemoFirstAlertBench() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("bench.demo.rounds", 3);
    Path target = Path.of(System.getProperty("bench.target", "target"));
    String classpath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
        + Files.readString(Path.of("target", "test-classpath.txt")).trim();
    List<String> rows = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      rows.add(round(round, classpath, Files.createTempDirectory(target, "demo-bench-")));
      System.out.println(rows.get(rows.size() - 1));
    }
    StringBuilder table = new StringBuilder()
        .append("Demo first-alert bench ").append(Instant.now()).append(", ").append(MachineStats.machine())
        .append("\n\n| round | -> first [ALERT OPEN] | -> Demo complete | -> exit | child CPU s at first alert "
            + "| child CPU s at exit | load 1/5/15 min before |\n|---|---|---|---|---|---|---|\n");
    rows.forEach(r -> table.append(r).append('\n'));
    Files.writeString(target.resolve("demo-first-alert.md"), table);
    System.out.println();
    System.out.println(table);
  }

  private static String round(int round, String classpath, Path workDir) throws IOException, InterruptedException {
    String load = MachineStats.loadAverage();
    long start = System.nanoTime();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, "io.costwatch.cli.Costwatch", "demo", "--http-port", "0", "--work-dir", workDir.toString()));
    String extra = System.getProperty("bench.demo.args", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    Process process = new ProcessBuilder(command)
        .redirectError(workDir.resolve("demo.err").toFile())
        .start();
    double firstAlert = Double.NaN;
    double complete = Double.NaN;
    double cpuAtFirstAlert = Double.NaN;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        double at = (System.nanoTime() - start) / 1e9;
        if (Double.isNaN(firstAlert) && line.startsWith("[ALERT OPEN]")) {
          firstAlert = at;
          cpuAtFirstAlert = cpuSeconds(process);
        } else if (line.startsWith("Demo complete")) {
          complete = at;
        }
      }
    }
    double cpuAtExit = cpuSeconds(process);
    int exit = process.waitFor();
    double exited = (System.nanoTime() - start) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException("demo exited with " + exit + "; see " + workDir.resolve("demo.err"));
    }
    return String.format(Locale.ROOT, "| %d | %.1f s | %.1f s | %.1f s | %.1f | %.1f | %s |", round, firstAlert,
        complete, exited, cpuAtFirstAlert, cpuAtExit, load);
  }

  /** The child's CPU time so far (user + system), NaN once it is gone. */
  private static double cpuSeconds(Process process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).map(n -> n / 1e9).orElse(Double.NaN);
  }
}
