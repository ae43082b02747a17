package io.costwatch.detect.spend;

/** A dimension of a billing line item along which spend is broken down to explain a spike. */
public enum DriverKind {
  /** An Azure ML compute (cluster or instance) of the workspace. */
  COMPUTE,
  /** Cost Management's meter category, e.g. {@code Virtual Machines}. */
  METER_CATEGORY,
  /** Cost Management's meter name, e.g. {@code NC24ads A100 v4}. */
  METER,
  /** The ARM resource id of the line item. */
  RESOURCE,
  /** An Azure ML tag as {@code key=value}: {@code azuremlendpoint} or {@code azuremldeployment}. */
  TAG
}
