package io.costwatch.ingest.billing;

import java.util.Set;

/**
 * The problems {@link ExportReader} finds while reading, carried in {@code RawBillingRow.error} as
 * {@code "<reason>: <sentence>"} so that the parser dead-letters each with its own reason. An error without a known
 * reason prefix is a column-count mismatch (the form rows had before the other reasons existed).
 */
final class ReadErrors {

  static final String COLUMN_COUNT = "column-count";
  /** Key of the one column an unreadable row carries: its text as far as it could be decoded. */
  static final String RAW_COLUMN = "(unreadable row)";
  private static final Set<String> REASONS = Set.of("invalid-utf8", "malformed-csv", "line-too-long",
      "corrupt-file");

  private ReadErrors() {
  }

  static String of(String reason, String sentence) {
    return reason + ": " + sentence;
  }

  static String reason(String error) {
    int colon = error.indexOf(": ");
    return colon > 0 && REASONS.contains(error.substring(0, colon)) ? error.substring(0, colon) : COLUMN_COUNT;
  }

  static String sentence(String error) {
    String reason = reason(error);
    return reason.equals(COLUMN_COUNT) ? error : error.substring(reason.length() + 2);
  }
}
