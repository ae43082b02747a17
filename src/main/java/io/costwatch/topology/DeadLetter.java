package io.costwatch.topology;

import java.time.Instant;

/**
 * A record Costwatch could not use, with the reason and where it came from, so it can be fixed and replayed.
 *
 * <p>The raw text is kept whole. Only when a dead letter would not fit in one Kafka record (raw input near the
 * broker's 1 MiB message limit) is {@code raw} left out and {@code rawRef} set to where the complete input still is
 * (the source topic/partition@offset, or file:line). Readers of schema version 1 written before the fields from
 * {@code exceptionClass} on existed see them as null: every field added since is optional.
 *
 * @param stage which step rejected it, e.g. {@code billing-parse}, {@code deserialization}, {@code processing}
 * @param reason a short machine-readable reason, also the {@code reason} label of the dead-letter counter
 * @param source the original coordinates: file:line, or topic/partition:offset, with the item index inside a
 *     multi-record payload
 * @param recordTime the record's timestamp (event time where the topology assigned one), when known
 * @param exceptionClass the exception's class name, for errors caught by the Kafka Streams exception handlers
 * @param node the processor node at fault (Kafka Streams {@code processorNodeId}), when known
 * @param sourceTopic the Kafka topic the record was read from, with {@code sourcePartition} and
 *     {@code sourceOffset}, when known
 * @param rawRef set only when {@code raw} was left out because of its size: where the complete input is
 */
public record DeadLetter(int schemaVersion, String stage, String reason, String detail, String field, String source,
    String raw, Instant recordTime, String exceptionClass, String node, String sourceTopic, Integer sourcePartition,
    Long sourceOffset, String rawRef) {

  public static final int SCHEMA_VERSION = 1;

  /**
   * Raw text above this many characters is replaced by a reference: escaped as JSON it could exceed the producer's
   * and the broker's default 1 MiB record limit, and the dead letter itself would then be lost.
   */
  public static final int MAX_INLINE_RAW = 256 * 1024;

  /** The fields of schema version 1 as first published. */
  public DeadLetter(int schemaVersion, String stage, String reason, String detail, String field, String source,
      String raw, Instant recordTime) {
    this(schemaVersion, stage, reason, detail, field, source, inline(raw), recordTime, null, null, null, null, null,
        inline(raw) == raw ? null : source);
  }

  /** {@code raw} when it fits in a dead letter, else null (the caller then sets {@code rawRef}). */
  public static String inline(String raw) {
    return raw == null || raw.length() <= MAX_INLINE_RAW ? raw : null;
  }

  /** The same dead letter naming the processor node and the Kafka source record. */
  public DeadLetter at(String processorNode, String topic, Integer partition, Long offset, Instant time) {
    return new DeadLetter(schemaVersion, stage, reason, detail, field, source, raw, time == null ? recordTime : time,
        exceptionClass, processorNode, topic, partition, offset, rawRef);
  }
}
