package io.costwatch.recommend;

/**
 * A VM size a billing row showed for a compute ({@code AdditionalInfo.ServiceType}): the value of the compacted
 * {@code costwatch.vm-sizes.v1} topic, keyed by {@link NodePricing#sizeKey}, and read back as a global table.
 *
 * @param scope the compute's label, lower case ({@code workspace/compute})
 */
public record LearntVmSize(int schemaVersion, String scope, String vmSize) {

  public static final int SCHEMA_VERSION = 1;

  public static LearntVmSize of(String scope, String vmSize) {
    return new LearntVmSize(SCHEMA_VERSION, scope, vmSize);
  }
}
