package io.costwatch.core;

/**
 * The outcome of parsing one input record. Expected validation failures are values, not exceptions, so the
 * topology can route them to the dead-letter topic with {@code split()} while valid neighbours flow on.
 */
public sealed interface ParseResult<T> permits ParseResult.Parsed, ParseResult.Rejected, ParseResult.Ignored {

  /** A valid record. */
  record Parsed<T>(T value) implements ParseResult<T> {}

  /**
   * Invalid input.
   *
   * @param reason a short machine-readable reason (a metric label), e.g. {@code malformed-json}
   * @param detail a human sentence naming the field at fault
   * @param field the field, column or JSON key at fault, or null when the whole record is unreadable
   * @param source where the record came from
   * @param raw the raw text of the record (truncated by the caller when huge)
   */
  record Rejected<T>(String reason, String detail, String field, SourceRef source, String raw)
      implements ParseResult<T> {}

  /** Valid input that Costwatch deliberately does not use (a metric it has no rule for); counted, never dead-lettered. */
  record Ignored<T>(String reason, SourceRef source) implements ParseResult<T> {}

  /** The same outcome carrying {@code f} of the value when parsed; a rejection or an ignore passes unchanged. */
  default <U> ParseResult<U> map(java.util.function.Function<? super T, ? extends U> f) {
    if (this instanceof Parsed<T> p) {
      return new Parsed<>(f.apply(p.value()));
    }
    if (this instanceof Rejected<T> r) {
      return new Rejected<>(r.reason(), r.detail(), r.field(), r.source(), r.raw());
    }
    Ignored<T> i = (Ignored<T>) this;
    return new Ignored<>(i.reason(), i.source());
  }

  static <T> ParseResult<T> parsed(T value) {
    return new Parsed<>(value);
  }

  static <T> ParseResult<T> rejected(String reason, String detail, String field, SourceRef source, String raw) {
    return new Rejected<>(reason, detail, field, source, raw);
  }

  static <T> ParseResult<T> ignored(String reason, SourceRef source) {
    return new Ignored<>(reason, source);
  }
}
