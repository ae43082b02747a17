package io.costwatch.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded mutations of real input (metric event bodies, export rows, whole files) for the fuzz suites: the same seed
 * gives the same mutants, so a failure is reproduced by running with {@code -Dcostwatch.fuzz.seed=<seed>}.
 */
public final class Mutator {

  /** What a mutation does to its input. */
  public enum Kind {
    TRUNCATE, BYTE_FLIP, WRONG_TYPE, NAN, INFINITY, HUGE_NUMBER, NEGATIVE_NUMBER, INVALID_UTF8, BOM, CRLF,
    DEEP_NESTING, EMPTY, STRAY_QUOTE, DELETE_SPAN, OLD_TIME, IMPOSSIBLE_DATE
  }

  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
  private static final Pattern ISO_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
  private static final Pattern DATE = Pattern.compile("\\d{2}/\\d{2}/\\d{4}|\\d{4}-\\d{2}-\\d{2}");
  private static final String[] WRONG = {"\"x\"", "true", "{}", "[]", "null", "abc", "\"\"", "[1,2]"};
  private static final String[] NANS = {"NaN", "\"NaN\"", "nan"};
  private static final String[] INFINITIES = {"Infinity", "-Infinity", "1e400", "\"Infinity\""};
  private static final String[] HUGE = {"1e308", "9223372036854775808", "1e40", "3.98e36", "-1e308",
      "123456789012345678901234567890"};
  private static final String[] OLD = {"1969-12-31T23:59:00", "0001-01-01T00:00:00", "1900-01-01T00:00:00"};
  private static final String[] IMPOSSIBLE = {"2026-02-30", "02/30/2026", "2026-13-01", "2026-11-31", "13/45/2026"};

  private final long seed;
  private final Random random;

  public Mutator(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  /** The seed of this run: {@code -Dcostwatch.fuzz.seed}, else a fixed default (the suite is reproducible). */
  public static long seedFromSystem(long fallback) {
    String s = System.getProperty("costwatch.fuzz.seed");
    return s == null || s.isBlank() ? fallback : Long.parseLong(s.trim());
  }

  public long seed() {
    return seed;
  }

  public Random random() {
    return random;
  }

  public Kind pick() {
    Kind[] kinds = Kind.values();
    return kinds[random.nextInt(kinds.length)];
  }

  public byte[] mutate(byte[] in, Kind kind) {
    String text = new String(in, StandardCharsets.UTF_8);
    return switch (kind) {
      case TRUNCATE -> Arrays.copyOf(in, in.length == 0 ? 0 : random.nextInt(in.length));
      case BYTE_FLIP -> flip(in);
      case WRONG_TYPE -> bytes(replace(text, NUMBER, WRONG));
      case NAN -> bytes(replace(text, NUMBER, NANS));
      case INFINITY -> bytes(replace(text, NUMBER, INFINITIES));
      case HUGE_NUMBER -> bytes(replace(text, NUMBER, HUGE));
      case NEGATIVE_NUMBER -> bytes(negate(text));
      case INVALID_UTF8 -> insert(in, pickOf(new byte[][] {{(byte) 0xC3, 0x28}, {(byte) 0xFF},
          {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80}}));
      case BOM -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, in);
      case CRLF -> bytes(text.contains("\n") ? text.replace("\n", "\r\n") : text + "\r");
      case DEEP_NESTING -> bytes("[".repeat(2_000 + random.nextInt(20_000)) + text);
      case EMPTY -> new byte[0];
      case STRAY_QUOTE -> insert(in, new byte[] {'"'});
      case DELETE_SPAN -> delete(in);
      case OLD_TIME -> bytes(replace(text, ISO_TIME, OLD));
      case IMPOSSIBLE_DATE -> bytes(replace(text, DATE, IMPOSSIBLE));
    };
  }

  private String replace(String text, Pattern pattern, String[] choices) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    if (spans.isEmpty()) {
      return text + choices[random.nextInt(choices.length)];
    }
    int[] span = spans.get(random.nextInt(spans.size()));
    return text.substring(0, span[0]) + choices[random.nextInt(choices.length)] + text.substring(span[1]);
  }

  private String negate(String text) {
    Matcher m = NUMBER.matcher(text);
    List<Integer> starts = new ArrayList<>();
    while (m.find()) {
      if (text.charAt(m.start()) != '-') {
        starts.add(m.start());
      }
    }
    if (starts.isEmpty()) {
      return "-" + text;
    }
    int at = starts.get(random.nextInt(starts.size()));
    return text.substring(0, at) + "-" + (1 + random.nextInt(1000)) + text.substring(at).replaceFirst("^[0-9.]+", "");
  }

  private byte[] flip(byte[] in) {
    if (in.length == 0) {
      return new byte[] {(byte) random.nextInt(256)};
    }
    byte[] out = in.clone();
    int flips = 1 + random.nextInt(4);
    for (int i = 0; i < flips; i++) {
      int at = random.nextInt(out.length);
      out[at] = (byte) (out[at] ^ (1 + random.nextInt(255)));
    }
    return out;
  }

  private byte[] insert(byte[] in, byte[] what) {
    int at = in.length == 0 ? 0 : random.nextInt(in.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + what.length);
    out.write(in, 0, at);
    out.writeBytes(what);
    out.write(in, at, in.length - at);
    return out.toByteArray();
  }

  private byte[] delete(byte[] in) {
    if (in.length < 2) {
      return new byte[0];
    }
    int from = random.nextInt(in.length - 1);
    int to = Math.min(in.length, from + 1 + random.nextInt(Math.max(1, in.length / 4)));
    return concat(Arrays.copyOf(in, from), Arrays.copyOfRange(in, to, in.length));
  }

  private byte[] pickOf(byte[][] choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
