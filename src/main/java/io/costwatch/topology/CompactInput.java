package io.costwatch.topology;

import java.nio.charset.StandardCharsets;

/** Reads what {@link CompactOutput} wrote; a truncated or malformed value throws {@link IllegalArgumentException}. */
final class CompactInput {

  private final byte[] buf;
  private int pos;

  CompactInput(byte[] buf, int offset) {
    this.buf = buf;
    this.pos = offset;
  }

  int readByte() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  long readVarLong() {
    long v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int b = readByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("malformed varint at byte " + pos);
  }

  int readVarInt() {
    long v = readVarLong();
    if (v > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("varint " + v + " out of int range at byte " + pos);
    }
    return (int) v;
  }

  /**
   * A count or a length plus one: a varint between 0 and one more than the bytes left (every counted item takes at
   * least a byte), so a corrupted count fails here instead of allocating.
   */
  int readCount() {
    int n = readVarInt();
    if (n < 0 || n > buf.length - pos + 1) {
      throw new IllegalArgumentException("count " + n + " exceeds the " + (buf.length - pos) + " bytes left");
    }
    return n;
  }

  long readLong() {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  double readDouble() {
    return Double.longBitsToDouble(readLong());
  }

  String readString() {
    int n = readVarInt();
    if (n == 0) {
      return null;
    }
    int len = n - 1;
    need(len);
    String s = new String(buf, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }

  /** Fails unless every byte was read: trailing bytes mean the value is not of this format. */
  void end() {
    if (pos != buf.length) {
      throw new IllegalArgumentException((buf.length - pos) + " unread bytes after the value");
    }
  }

  private void need(int n) {
    if (n < 0 || pos + n > buf.length) {
      throw new IllegalArgumentException("value truncated: " + n + " bytes needed at byte " + pos + " of "
          + buf.length);
    }
  }
}
