package io.costwatch.core;

/**
 * Where a record came from, so that every alert and every dead letter can be traced back to its input.
 *
 * @param origin a file path, or {@code topic/partition} for records read from Kafka or Event Hubs
 * @param position the 1-based line of a file, or the offset / sequence number of an event
 * @param item the 0-based index of a record inside a multi-record payload (a metrics event body), or -1
 */
public record SourceRef(String origin, long position, int item) {

  public static SourceRef line(String file, long line) {
    return new SourceRef(file, line, -1);
  }

  public SourceRef withItem(int index) {
    return new SourceRef(origin, position, index);
  }

  @Override
  public String toString() {
    return item < 0 ? origin + ":" + position : origin + ":" + position + "#" + item;
  }
}
