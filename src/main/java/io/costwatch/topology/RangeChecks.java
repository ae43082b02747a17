package io.costwatch.topology;

import io.costwatch.core.CostRecord;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.Plausibility;
import java.util.Optional;

/**
 * Applies {@link Plausibility} to what the parsers accepted: a parsed value outside its range becomes a rejection
 * naming the source and the field, dead-lettered like a syntax error.
 */
final class RangeChecks {

  private final Plausibility plausibility;

  RangeChecks(Plausibility plausibility) {
    this.plausibility = plausibility == null ? Plausibility.defaults() : plausibility;
  }

  /** @param raw the event body the sample came from (the rejection's raw text) */
  ParseResult<MetricSample> metric(ParseResult<MetricSample> result, String raw) {
    if (result instanceof ParseResult.Parsed<MetricSample> parsed) {
      MetricSample s = parsed.value();
      return this.<MetricSample>reject(plausibility.check(s), s.source(), raw).orElse(result);
    }
    return result;
  }

  /** @param raw the raw row as it arrived */
  ParseResult<CostRecord> billing(ParseResult<CostRecord> result, String raw) {
    if (result instanceof ParseResult.Parsed<CostRecord> parsed) {
      CostRecord r = parsed.value();
      return this.<CostRecord>reject(plausibility.check(r), r.source(), raw).orElse(result);
    }
    return result;
  }

  private <T> Optional<ParseResult<T>> reject(Optional<Plausibility.Violation> violation,
      io.costwatch.core.SourceRef source, String raw) {
    return violation.map(v -> ParseResult.rejected(v.reason(), source + " field '" + v.field() + "': " + v.problem(),
        v.field(), source, raw));
  }
}
