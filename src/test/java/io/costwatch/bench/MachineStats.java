package io.costwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a result on a shared 2-core machine needs next to it: wall-clock figures there are noisy (other builds steal
 * the CPU), so every figure is reported with the load average and the CPU time this JVM actually used.
 * Linux-only sources ({@code /proc}); elsewhere the values read as NaN or -1 rather than failing the run.
 */
final class MachineStats {

  private MachineStats() {
  }

  /** The 1-, 5- and 15-minute load averages, e.g. {@code "1.93 2.41 3.02"}. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  /** The 1-minute load average, NaN when unknown. */
  static double loadAverage1m() {
    try {
      return Double.parseDouble(loadAverage().split(" ")[0]);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** CPU time of the whole JVM (every thread: broker, clients, stream threads, GC, JIT), in seconds. */
  static double processCpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  /** Peak resident set size of this process ({@code VmHWM}), in MiB; -1 when unknown. */
  static long maxRssMib() {
    return statusKib("VmHWM:") / 1024;
  }

  /** Heap in use after a full collection, in MiB: the live set, not garbage waiting to be collected. */
  static long heapUsedAfterGcMib() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  static long heapMaxMib() {
    return Runtime.getRuntime().maxMemory() / (1024 * 1024);
  }

  static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      return lines.stream().filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String machine() {
    return String.format(Locale.ROOT, "%s, %d cores visible to the JVM, Java %s (%s), max heap %d MiB", cpuModel(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        System.getProperty("java.vm.name"), heapMaxMib());
  }

  private static long statusKib(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
