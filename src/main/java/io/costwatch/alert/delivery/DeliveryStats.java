package io.costwatch.alert.delivery;

/**
 * Counters of one sink since start, for metrics and {@code /health}: a failing endpoint shows up here, it does not
 * stall the stream.
 *
 * @param delivered deliveries that got a 2xx
 * @param failed deliveries given up on (attempts exhausted or a non-retryable status)
 * @param retried attempts repeated after a retryable failure
 * @param lastError the latest failure, or null
 */
public record DeliveryStats(long delivered, long failed, long retried, String lastError) {
}
