package io.costwatch.alert;

/** Lifecycle state carried by every alert event. */
public enum AlertStatus {
  OPEN,
  UPDATE,
  RESOLVED
}
