package io.costwatch.detect;

/** What a detector found. The alert {@code type} is this name. */
public enum FindingType {
  GPU_IDLE,
  GPU_UNDERUTILIZED,
  IDLE_NODES,
  IDLE_DEPLOYMENT,
  BURN_RATE_SPIKE,
  SPEND_SPIKE
}
