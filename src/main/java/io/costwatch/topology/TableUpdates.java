package io.costwatch.topology;

import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.StateStore;

/**
 * What the record cache may do to the DSL tables' updates. A KTable with caching forwards downstream only what is in
 * the cache when it flushes (at each commit, or when the cache is full): several updates of one key within a commit
 * interval reach the next step as one. A processor's own store ({@code Processor} API) with caching forwards nothing:
 * there the cache only merges repeated writes of a key into one store write and one changelog record per flush.
 *
 * <p>So a bounded run ({@code replay}, {@code demo}) keeps a record cache for the processors' stores, which rewrite
 * the same keys many times per commit (an export run's count, the spend detector's day and index), and turns caching
 * off on every DSL table: every table update still reaches the detectors and {@code cost.daily-spend.v1} in input
 * order, so the run's output depends on its input only, not on where commits or cache evictions fell.
 */
public enum TableUpdates {

  /** The continuous service: tables merge a key's updates between commits (Kafka Streams' default). */
  COALESCED,

  /** A bounded run: every table update is forwarded, in input order. */
  EVERY;

  /** {@code materialized}, with caching off when every update must be forwarded. */
  <K, V, S extends StateStore> Materialized<K, V, S> apply(Materialized<K, V, S> materialized) {
    return this == EVERY ? materialized.withCachingDisabled() : materialized;
  }
}
