package io.costwatch.ingest.read;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * RFC 4180 records over {@link PhysicalLines}, one record at a time, each parsed on its own so that a malformed record
 * is one rejection and the records after it are read as usual.
 *
 * <p>Semantics are those of commons-csv's RFC 4180 format, which Costwatch used before: comma delimiter, a field that
 * starts with {@code "} is quoted and may contain commas, doubled quotes and line breaks; a quote inside an unquoted
 * field is literal; after a closing quote only blanks may precede the delimiter. Line numbers are physical and
 * 1-based, so a record spanning lines is reported at its first line.
 *
 * <p>Recovery: a record still inside quotes after {@link #MAX_RECORD_LINES} lines, or at the end of the input, is an
 * unterminated quote: its first line is rejected and the lines after it are read again, line by line, as records of
 * their own (so a stray quote costs one row, not the rest of the file).
 */
public final class CsvRecords {

  public static final int MAX_RECORD_LINES = 1_000;

  /** A record's fields, or a problem with its reason (for example {@code malformed-csv}) and lines. */
  public record Csv(long line, long lastLine, List<String> fields, String reason, String problem, byte[] raw) {

    public boolean ok() {
      return reason == null;
    }
  }

  private final PhysicalLines lines;
  private final Deque<PhysicalLines.Line> replay = new ArrayDeque<>();
  private int expectedFields = -1;

  public CsvRecords(PhysicalLines lines) {
    this.lines = lines;
  }

  /**
   * The number of values a record should have (the header's). A record spanning several lines that has another
   * count, or is malformed, is taken for a stray quote that swallowed its neighbours: its first line is rejected and
   * the lines after it are read again.
   */
  public void expectFields(int count) {
    expectedFields = count;
  }

  /** The next record, or null at the end of the input. I/O errors of the stream are thrown. */
  public Csv next() throws IOException {
    PhysicalLines.Line first = take();
    if (first == null) {
      return null;
    }
    if (!first.ok()) {
      return new Csv(first.number(), first.number(), null, first.reason(), first.problem(), first.rawPrefix());
    }
    Scanner scanner = new Scanner();
    List<PhysicalLines.Line> taken = new ArrayList<>();
    taken.add(first);
    PhysicalLines.Line current = first;
    while (true) {
      String error = scanner.feed(current.text());
      boolean spans = taken.size() > 1;
      if (error != null && !spans) {
        return new Csv(first.number(), current.number(), null, "malformed-csv", range(first, current) + ": " + error,
            null);
      }
      if (error == null && !scanner.inQuotes()) {
        List<String> fields = scanner.finish();
        if (!spans || expectedFields < 0 || fields.size() == expectedFields) {
          return new Csv(first.number(), current.number(), fields, null, null, null);
        }
      }
      if (error != null || !scanner.inQuotes()) {
        for (int i = taken.size() - 1; i >= 1; i--) {
          replay.addFirst(taken.get(i));
        }
        return new Csv(first.number(), first.number(), null, "malformed-csv", "line " + first.number()
            + ": a quoted value opened on this line runs to line " + current.number() + " and does not make a row "
            + "there (" + (error != null ? error : "wrong number of values") + "); the lines after it are read as "
            + "rows of their own", null);
      }
      PhysicalLines.Line more = taken.size() >= MAX_RECORD_LINES ? null : take();
      if (more == null || !more.ok()) {
        if (more != null) {
          replay.addFirst(more);
        }
        for (int i = taken.size() - 1; i >= 1; i--) {
          replay.addFirst(taken.get(i));
        }
        return new Csv(first.number(), first.number(), null, "malformed-csv", "line " + first.number()
            + ": a quoted field is not closed " + (more != null ? "before unreadable line " + more.number()
                : taken.size() < MAX_RECORD_LINES ? "before the end of the file"
                : "within " + MAX_RECORD_LINES + " lines")
            + "; the lines after it are read as rows of their own", null);
      }
      scanner.lineBreak();
      taken.add(more);
      current = more;
    }
  }

  private PhysicalLines.Line take() throws IOException {
    return replay.isEmpty() ? lines.next() : replay.pollFirst();
  }

  private static String range(PhysicalLines.Line first, PhysicalLines.Line last) {
    return first.number() == last.number() ? "line " + first.number()
        : "lines " + first.number() + "-" + last.number();
  }

  /** The field state machine, resumable across the line breaks of a quoted field. */
  private static final class Scanner {
    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_IN_QUOTED = 3;
    private static final int AFTER_QUOTED = 4;

    private final List<String> fields = new ArrayList<>();
    private final StringBuilder field = new StringBuilder();
    private int state = FIELD_START;
    private boolean crBeforeBreak;

    /** Feeds one physical line (without its {@code \n}); returns an error sentence or null. */
    String feed(String text) {
      int end = text.length();
      crBeforeBreak = end > 0 && text.charAt(end - 1) == '\r';
      if (crBeforeBreak) {
        end--;
      }
      for (int i = 0; i < end; i++) {
        char c = text.charAt(i);
        switch (state) {
          case FIELD_START -> {
            if (c == '"') {
              state = QUOTED;
            } else if (c == ',') {
              emit();
            } else {
              field.append(c);
              state = UNQUOTED;
            }
          }
          case UNQUOTED -> {
            if (c == ',') {
              emit();
            } else {
              field.append(c);
            }
          }
          case QUOTED -> {
            if (c == '"') {
              state = QUOTE_IN_QUOTED;
            } else {
              field.append(c);
            }
          }
          case QUOTE_IN_QUOTED -> {
            if (c == '"') {
              field.append('"');
              state = QUOTED;
            } else if (c == ',') {
              emit();
            } else if (Character.isWhitespace(c)) {
              state = AFTER_QUOTED;
            } else {
              return "invalid character '" + c + "' after the closing quote of value " + (fields.size() + 1);
            }
          }
          default -> {
            if (c == ',') {
              emit();
            } else if (!Character.isWhitespace(c)) {
              return "invalid character '" + c + "' after the closing quote of value " + (fields.size() + 1);
            }
          }
        }
      }
      return null;
    }

    boolean inQuotes() {
      return state == QUOTED;
    }

    /** The line break inside a quoted value is data, as it was written. */
    void lineBreak() {
      field.append(crBeforeBreak ? "\r\n" : "\n");
    }

    List<String> finish() {
      emit();
      return fields;
    }

    private void emit() {
      fields.add(field.toString());
      field.setLength(0);
      state = FIELD_START;
    }
  }
}
