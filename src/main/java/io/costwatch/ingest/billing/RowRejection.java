package io.costwatch.ingest.billing;

/**
 * A row value that cannot be used. Thrown only inside this package, from value parsing up to
 * {@link BillingRowParser#parse}, which turns it into a {@code ParseResult.Rejected} value: it saves threading an
 * error through every column read, and never escapes to callers.
 */
final class RowRejection extends RuntimeException {

  private final String reason;
  private final String column;

  RowRejection(String reason, String column, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.column = column;
  }

  String reason() {
    return reason;
  }

  String column() {
    return column;
  }
}
