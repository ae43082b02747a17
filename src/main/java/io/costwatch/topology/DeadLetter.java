package io.costwatch.topology;

import java.time.Instant;

/**
 * A record Costwatch could not use, with the reason and where it came from. The raw text is kept (truncated at
 * 64 KiB) so the record can be fixed and replayed.
 *
 * @param stage which step rejected it, e.g. {@code billing-parse}
 * @param reason a short machine-readable reason, also the {@code reason} label of the dead-letter counter
 * @param source the original coordinates: file:line, or topic/partition:offset, with the item index inside a
 *     multi-record payload
 */
public record DeadLetter(int schemaVersion, String stage, String reason, String detail, String field, String source,
    String raw, Instant recordTime) {

  public static final int SCHEMA_VERSION = 1;
  public static final int MAX_RAW = 64 * 1024;

  public static String truncate(String raw) {
    return raw == null || raw.length() <= MAX_RAW ? raw : raw.substring(0, MAX_RAW) + "...[truncated]";
  }
}
