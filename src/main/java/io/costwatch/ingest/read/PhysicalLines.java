package io.costwatch.ingest.read;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The physical lines of a UTF-8 byte stream, each decoded on its own with a strict decoder, so that one line of
 * invalid UTF-8 is one rejected line (not a whole unreadable file, and not text silently mangled into U+FFFD).
 * Lines end at {@code \n}; a {@code \r} before it is kept in {@link Line#text()} for the caller to judge (inside a
 * quoted CSV value it is data). A line longer than {@code maxBytes} is reported as too long and skipped to its end,
 * without holding it in memory. A UTF-8 byte order mark at the start is dropped.
 */
public final class PhysicalLines {

  /**
   * One line: its 1-based number and text, or a problem ({@code reason} {@code invalid-utf8} or
   * {@code line-too-long}) with a sentence naming the line, and {@code byteLength} either way.
   */
  public record Line(long number, String text, String reason, String problem, long byteLength, byte[] rawPrefix) {

    public boolean ok() {
      return reason == null;
    }
  }

  private final InputStream in;
  private final int maxBytes;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] buffer = new byte[1 << 16];
  private int pos;
  private int limit;
  private byte[] line = new byte[256];
  private long number;
  private boolean eof;

  public PhysicalLines(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** The next line, or null at the end of the stream; an I/O error (a corrupt gzip stream) is thrown. */
  public Line next() throws IOException {
    if (eof) {
      return null;
    }
    int length = 0;
    long total = 0;
    boolean sawAny = false;
    while (true) {
      if (pos == limit && !fill()) {
        eof = true;
        if (!sawAny) {
          return null;
        }
        break;
      }
      sawAny = true;
      int start = pos;
      int nl = -1;
      for (int i = pos; i < limit; i++) {
        if (buffer[i] == '\n') {
          nl = i;
          break;
        }
      }
      int end = nl < 0 ? limit : nl;
      int n = end - start;
      if (total + n <= maxBytes) {
        if (length + n > line.length) {
          line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
        }
        System.arraycopy(buffer, start, line, length, n);
        length += n;
      }
      total += n;
      pos = nl < 0 ? limit : nl + 1;
      if (nl >= 0) {
        break;
      }
    }
    number++;
    if (total > maxBytes) {
      return new Line(number, null, "line-too-long", "line " + number + " has " + total + " bytes, more than the "
          + maxBytes + " a line may have", total, Arrays.copyOf(line, Math.min(length, 1024)));
    }
    int from = number == 1 && length >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB
        && (line[2] & 0xff) == 0xBF ? 3 : 0;
    try {
      CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(line, from, length - from));
      return new Line(number, chars.toString(), null, null, total, null);
    } catch (CharacterCodingException e) {
      return new Line(number, null, "invalid-utf8", "line " + number + " is not valid UTF-8 ("
          + e.getClass().getSimpleName() + " at byte " + firstBadByte(from, length) + " of the line)", total,
          Arrays.copyOfRange(line, 0, length));
    }
  }

  /** Lines read so far. */
  public long lineNumber() {
    return number;
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    while (n == 0) {
      n = in.read(buffer, 0, buffer.length);
    }
    if (n < 0) {
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  private int firstBadByte(int from, int length) {
    CharsetDecoder probe = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.wrap(line, from, length - from);
    CharBuffer out = CharBuffer.allocate(length + 1);
    probe.decode(bytes, out, true);
    return bytes.position() + 1;
  }
}
