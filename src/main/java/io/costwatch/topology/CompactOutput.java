package io.costwatch.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for the compact binary values of the telemetry path ({@link TelemetryCodecs}): varints for
 * lengths and counts, fixed eight bytes for doubles and instants' seconds, UTF-8 strings with their length (0 for
 * null). Not thread-safe; one per value written.
 */
final class CompactOutput {

  private byte[] buf;
  private int size;

  CompactOutput(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  CompactOutput writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
    return this;
  }

  /** Unsigned LEB128 of a non-negative value (negative values take ten bytes, and read back exactly). */
  CompactOutput writeVarLong(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
    return this;
  }

  CompactOutput writeVarInt(int v) {
    return writeVarLong(v & 0xFFFFFFFFL);
  }

  CompactOutput writeLong(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  CompactOutput writeDouble(double v) {
    return writeLong(Double.doubleToRawLongBits(v));
  }

  /** A nullable string: its UTF-8 length plus one (0 for null), then the bytes. */
  CompactOutput writeString(String s) {
    if (s == null) {
      return writeByte(0);
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    writeVarInt(utf8.length + 1);
    ensure(utf8.length);
    System.arraycopy(utf8, 0, buf, size, utf8.length);
    size += utf8.length;
    return this;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
