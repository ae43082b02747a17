package io.costwatch.topology;

import io.costwatch.alert.lifecycle.Feedback;

/**
 * A user's word on an alert, published to the feedback topic by {@code costwatch feedback} (or any client), keyed by
 * the alert's fingerprint (its {@code episode.fingerprint}); {@code alertId} is kept for the audit trail.
 */
public record FeedbackCommand(int schemaVersion, String fingerprint, String alertId, Feedback feedback) {

  public static final int SCHEMA_VERSION = 1;
}
