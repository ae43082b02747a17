package io.costwatch.ingest.eventhubs;

import java.util.concurrent.atomic.LongAdder;

/** What the bridge has done since it started; read by tests and by whoever binds it to Micrometer. */
public final class BridgeCounters {

  private final LongAdder forwarded = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder checkpointedBatches = new LongAdder();
  private final LongAdder processorErrors = new LongAdder();
  private final LongAdder kafkaFailures = new LongAdder();
  private final LongAdder blobNotificationsIgnored = new LongAdder();

  void recordBatch(long forwardedRecords, long deadLetters) {
    forwarded.add(forwardedRecords);
    deadLettered.add(deadLetters);
    checkpointedBatches.increment();
  }

  void blobNotificationsIgnored(long count) {
    blobNotificationsIgnored.add(count);
  }

  void processorError() {
    processorErrors.increment();
  }

  void kafkaFailure() {
    kafkaFailures.increment();
  }

  /** Records written to the raw topics (one per metrics event, one per billing row) and acknowledged. */
  public long forwarded() {
    return forwarded.sum();
  }

  /** Events written to the dead-letter topic and acknowledged. */
  public long deadLettered() {
    return deadLettered.sum();
  }

  /** Batches whose records Kafka acknowledged and whose checkpoint was updated. */
  public long checkpointedBatches() {
    return checkpointedBatches.sum();
  }

  /** Errors the processors reported through {@code processError} (including the SDK's shutdown noise). */
  public long processorErrors() {
    return processorErrors.sum();
  }

  /** Attempts to send a batch that Kafka did not fully acknowledge; each was retried, never checkpointed. */
  public long kafkaFailures() {
    return kafkaFailures.sum();
  }

  /**
   * {@code BlobCreated} notifications for blobs that are not export manifests (the data blobs an export writes
   * before its manifest), in checkpointed batches: ignored, not dead-lettered.
   */
  public long blobNotificationsIgnored() {
    return blobNotificationsIgnored.sum();
  }

  @Override
  public String toString() {
    return "BridgeCounters[forwarded=" + forwarded() + ", deadLettered=" + deadLettered() + ", checkpointedBatches="
        + checkpointedBatches() + ", processorErrors=" + processorErrors() + ", kafkaFailures=" + kafkaFailures()
        + ", blobNotificationsIgnored=" + blobNotificationsIgnored() + "]";
  }
}
