package io.costwatch.bench;

import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.Topics;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The topology's own reporting hook used as a stopwatch: the first raw metrics record read starts it, and the
 * closed window number {@code expectedWindows} reaching detection stops it (or the latest window, when records
 * were dropped as late and some windows never came to exist). So "first to last" covers every stage
 * a metric record goes through (parse, repartition by scope, windowed aggregate, suppression until the window
 * closes, detection), not only the parse step. Thread-safe; one call per record from the stream thread.
 */
final class CountingMetrics extends PipelineMetrics.Silent {

  private final long expectedWindows;
  private final AtomicLong firstIn = new AtomicLong();
  private final AtomicLong lastWindow = new AtomicLong();
  private volatile double cpuAtLastWindow = Double.NaN;
  private volatile double streamThreadCpuAtLastWindow = Double.NaN;
  private final AtomicLong bodies = new AtomicLong();
  private final AtomicLong windows = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong ignored = new AtomicLong();
  private final AtomicLong alerts = new AtomicLong();

  CountingMetrics(long expectedWindows) {
    this.expectedWindows = expectedWindows;
  }

  long expectedWindows() {
    return expectedWindows;
  }

  boolean done() {
    return windows.get() >= expectedWindows;
  }

  /** Nanoseconds ({@link System#nanoTime}) when the first raw metrics body was read. */
  long firstInNanos() {
    return firstIn.get();
  }

  /** Nanoseconds when the latest window was evaluated (the last expected one once {@link #done()}). */
  long lastWindowNanos() {
    return lastWindow.get();
  }

  /** Process CPU seconds when the latest window was evaluated, so an idle wait after it is not counted. */
  double cpuAtLastWindow() {
    return cpuAtLastWindow;
  }

  /**
   * CPU seconds of the thread that evaluated the latest window since it started: the stream thread's own work (one
   * stream thread, as {@code costwatch run} has), without the broker, the producer's network thread, GC or JIT.
   */
  double streamThreadCpuAtLastWindow() {
    return streamThreadCpuAtLastWindow;
  }

  long bodies() {
    return bodies.get();
  }

  long windows() {
    return windows.get();
  }

  long rejected() {
    return rejected.get();
  }

  long ignored() {
    return ignored.get();
  }

  long alerts() {
    return alerts.get();
  }

  @Override
  public void recordIn(String topic) {
    if (Topics.METRICS_RAW.name().equals(topic)) {
      firstIn.compareAndSet(0, System.nanoTime());
      bodies.incrementAndGet();
    }
  }

  @Override
  public void recordRejected(String topic, String reason) {
    rejected.incrementAndGet();
  }

  @Override
  public void exportRunEnded(String outcome, long retracted) {
  }

  @Override
  public void recordIgnored(String topic, String reason) {
    ignored.incrementAndGet();
  }

  @Override
  public void usageWindow(String workspace, String cluster, double burnRatePerHour, String currency,
      double gpuUtilizationPercent) {
    lastWindow.set(System.nanoTime());
    cpuAtLastWindow = MachineStats.processCpuSeconds();
    streamThreadCpuAtLastWindow = MachineStats.currentThreadCpuSeconds();
    windows.incrementAndGet();
  }

  @Override
  public void alertPublished(String alertId, String type, String severity, String status, String currency,
      double wastePerHour, String action, double savingsPerMonth) {
    alerts.incrementAndGet();
  }
}
