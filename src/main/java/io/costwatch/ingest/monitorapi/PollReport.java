package io.costwatch.ingest.monitorapi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one poll did.
 *
 * @param completeUntil the end of the last complete minute (exclusive)
 * @param published resources whose records and mark were committed
 * @param upToDate resources with nothing new to fetch
 * @param gone resources Azure reports as not found
 * @param failed resources whose call failed (retried next poll)
 * @param behind true when a resource advanced by a whole span and is still behind: poll again right away (a
 *     resource that failed does not count, so a failing resource is not hammered)
 * @param errors one line per failed resource: id, code, message
 */
public record PollReport(Instant completeUntil, int published, int upToDate, int gone, int failed, long records,
    int bodies, boolean behind, List<String> errors) {

  @Override
  public String toString() {
    return String.format("complete until %s: %d resource(s) published (%d records in %d bodies), %d up to date, "
        + "%d gone, %d failed%s", completeUntil, published, records, bodies, upToDate, gone, failed,
        behind ? ", catching up" : "");
  }

  static final class Builder {
    final Instant completeUntil;
    int published;
    int upToDate;
    int gone;
    int failed;
    long records;
    int bodies;
    boolean behind;
    final List<String> errors = new ArrayList<>();

    Builder(Instant completeUntil) {
      this.completeUntil = completeUntil;
    }

    PollReport build() {
      return new PollReport(completeUntil, published, upToDate, gone, failed, records, bodies, behind,
          List.copyOf(errors));
    }
  }
}
