package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.topology.CostTopology;
import org.rocksdb.RocksDB;

/**
 * Does once, on a thread of its own while the embedded broker starts, the JVM work that a bounded run's start-up
 * would otherwise do on its critical path: loading RocksDB's native library (which the stream thread's first
 * stateful task loads, 0.3 s here) and the classes of the topology, its serdes and Kafka Streams' DSL (by building
 * the topology once and throwing it away).
 */
final class ClassWarmUp {

  private ClassWarmUp() {
  }

  /** Starts the warm-up on a daemon thread; a failure only costs time and is reported on standard error. */
  static Thread start(AppConfig config) {
    Thread thread = new Thread(() -> warmUp(config), "costwatch-class-warm-up");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void warmUp(AppConfig config) {
    try {
      RocksDB.loadLibrary();
      CostTopology.build(config).describe();
    } catch (RuntimeException | LinkageError e) {
      System.err.println("costwatch: warming up the JVM failed (start-up may be slower): " + e);
    }
  }
}
