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

  /** CPU time of the calling thread, in seconds (the stream thread, when called from the topology's hook). */
  static double currentThreadCpuSeconds() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9;
  }

  /**
   * CPU seconds used so far by this JVM's JIT compiler threads ({@code jit}) and garbage-collector threads
   * ({@code gc}), from {@code /proc/self/task/<tid>/stat} (user + system ticks, 100 per second on Linux); empty
   * elsewhere. Those threads are not Java threads, so {@link ManagementFactory#getThreadMXBean()} cannot see them.
   */
  static java.util.Map<String, Double> vmThreadCpuSeconds() {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return out;
    }
    try (java.util.stream.Stream<Path> all = Files.list(tasks)) {
      for (Path task : all.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).trim();
          String kind = name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "jit"
              : name.startsWith("GC Thread") || name.startsWith("G1 ") ? "gc" : null;
          if (kind == null) {
            continue;
          }
          String stat = Files.readString(task.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
          out.merge(kind, seconds, Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
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
