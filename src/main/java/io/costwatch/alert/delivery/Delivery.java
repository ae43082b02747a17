package io.costwatch.alert.delivery;

/**
 * The outcome of one delivery (with its retries).
 *
 * @param key what was delivered: an alert id, or {@code resend} for an Alertmanager re-send batch
 * @param httpStatus the last HTTP status, or 0 when no response came
 * @param error why it failed, null when delivered
 */
public record Delivery(String key, boolean delivered, int attempts, int httpStatus, String error) {
}
