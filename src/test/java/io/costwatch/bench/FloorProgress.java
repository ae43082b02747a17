package io.costwatch.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The stopwatch of a {@link FloorTopology} run: the first body read starts it, the sample number {@code expected}
 * reaching the topology's last step stops it, with the process's and the stream thread's CPU at that moment.
 */
final class FloorProgress {

  private final long expected;
  private final AtomicLong bodies = new AtomicLong();
  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong firstIn = new AtomicLong();
  private volatile long lastNanos;
  private volatile double cpuAtLast = Double.NaN;
  private volatile double streamThreadCpuAtLast = Double.NaN;

  FloorProgress(long expected) {
    this.expected = expected;
  }

  void bodyRead() {
    firstIn.compareAndSet(0, System.nanoTime());
    bodies.incrementAndGet();
  }

  void samplesDone(long n) {
    if (samples.addAndGet(n) >= expected && lastNanos == 0) {
      cpuAtLast = MachineStats.processCpuSeconds();
      streamThreadCpuAtLast = MachineStats.currentThreadCpuSeconds();
      lastNanos = System.nanoTime();
    }
  }

  boolean done() {
    return lastNanos != 0;
  }

  long bodies() {
    return bodies.get();
  }

  long samples() {
    return samples.get();
  }

  long firstInNanos() {
    return firstIn.get();
  }

  long lastNanos() {
    return lastNanos;
  }

  double cpuAtLast() {
    return cpuAtLast;
  }

  double streamThreadCpuAtLast() {
    return streamThreadCpuAtLast;
  }
}
