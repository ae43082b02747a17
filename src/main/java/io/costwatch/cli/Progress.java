package io.costwatch.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr for long reads: rows, rows/s, bytes and an ETA from the bytes left. */
final class Progress {

  private final PrintStream err;
  private final String label;
  private final long started = System.nanoTime();
  private long lastPrinted;
  private long rows;
  private long bytes;
  private long total;

  Progress(PrintStream err, String label) {
    this.err = err;
    this.label = label;
  }

  synchronized void update(long rows, long bytesRead, long totalBytes) {
    this.rows = rows;
    this.bytes = bytesRead;
    this.total = totalBytes;
    long now = System.nanoTime();
    if (now - lastPrinted > 500_000_000L) {
      lastPrinted = now;
      err.print("\r" + line(now));
    }
  }

  synchronized void done() {
    err.println("\r" + line(System.nanoTime()));
  }

  private String line(long now) {
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    double rate = rows / seconds;
    double fraction = total <= 0 ? 1 : Math.min(1, (double) bytes / total);
    double eta = fraction <= 0 ? Double.NaN : seconds * (1 - fraction) / fraction;
    int width = 24;
    int filled = (int) Math.round(fraction * width);
    return String.format(Locale.ROOT, "%s [%s%s] %5.1f%% %,d rows %,.0f rows/s %s/%s ETA %s", label,
        "#".repeat(filled), ".".repeat(width - filled), fraction * 100, rows, rate, size(bytes), size(total),
        Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.0fs", eta));
  }

  private static String size(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
  }
}
