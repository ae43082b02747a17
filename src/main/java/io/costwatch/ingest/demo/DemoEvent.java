package io.costwatch.ingest.demo;

import java.time.Instant;

/**
 * One input record of the demo, as a producer would publish it to a raw topic.
 *
 * @param kind which raw topic it belongs to
 * @param key the record key: the lower-cased workspace id, so one workspace's input stays in one partition (stream
 *     time advances per partition)
 * @param value a {@code String} event body (as Event Hubs would carry it) for {@link Kind#METRICS}, a
 *     {@link io.costwatch.ingest.RawBillingRow} for {@link Kind#BILLING}
 * @param time the record timestamp: when the input would have become available
 */
public record DemoEvent(Kind kind, String key, Object value, Instant time) {

  /** The raw input a demo event stands for. */
  public enum Kind {
    METRICS,
    BILLING
  }
}
