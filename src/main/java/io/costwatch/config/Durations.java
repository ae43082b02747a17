package io.costwatch.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations of every setting and command-line option: ISO-8601 ({@code PT15M}, {@code P2D}) or the short
 * form people type ({@code 4h}, {@code 30m}, {@code 1h30m}, {@code 45s}, {@code 7d}, {@code 500ms}).
 */
public final class Durations {

  /** What an error message shows as accepted forms. */
  public static final String FORMS = "e.g. 30m, 4h, 7d, 1h30m or ISO-8601 PT30M, PT4H, P7D";

  private static final Pattern SHORT = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {
  }

  /**
   * The duration written in {@code text}.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Duration parse(String text) {
    String t = text.trim();
    String lower = t.toLowerCase(Locale.ROOT);
    if (SHORT.matcher(lower).matches()) {
      Duration total = Duration.ZERO;
      Matcher part = PART.matcher(lower);
      try {
        while (part.find()) {
          long n = Long.parseLong(part.group(1));
          total = total.plus(switch (part.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          });
        }
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is too long a duration");
      }
      return total;
    }
    try {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (" + FORMS + ")");
    }
  }
}
