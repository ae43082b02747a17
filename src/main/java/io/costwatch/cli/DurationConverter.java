package io.costwatch.cli;

import io.costwatch.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Command-line durations as {@code 4h}, {@code 30m} or ISO-8601, with a message instead of a parser's stack trace. */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      Duration d = Durations.parse(value);
      if (d.isNegative() || d.isZero()) {
        throw new TypeConversionException("'" + value + "' must be a positive duration (" + Durations.FORMS + ")");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
