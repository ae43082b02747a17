package io.costwatch.ingest.monitorapi;

import io.costwatch.core.AzureResourceId;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One Azure resource the Metrics API poller queries: its ARM id as Azure spells it, the subscription and region
 * that select the regional batch endpoint, and its kind (which decides the metric namespace and queries).
 *
 * @param id the ARM id (kept as given; compared lower-cased through {@link #key()})
 * @param subscription the subscription id from the ARM id
 * @param region the Azure region (e.g. {@code eastus}); the batch API only answers for resources of its region
 * @param kind workspace (cluster node counts and utilisation by {@code ClusterName}) or online deployment
 */
public record PolledResource(String id, String subscription, String region, Kind kind) {

  /** The resource types the poller has queries for. */
  public enum Kind {
    WORKSPACE("Microsoft.MachineLearningServices/workspaces"),
    DEPLOYMENT("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments");

    private final String namespace;

    Kind(String namespace) {
      this.namespace = namespace;
    }

    /** The metric namespace (the resource type) the batch API needs in {@code metricnamespace}. */
    public String namespace() {
      return namespace;
    }
  }

  public PolledResource {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subscription, "subscription");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(kind, "kind");
    region = region.trim().toLowerCase(Locale.ROOT).replace(" ", "");
  }

  /**
   * The resource for an ARM id of an Azure ML workspace or online deployment; empty (with the reason in
   * {@code why}) for any other id, e.g. a compute, whose node counts are metrics of its workspace.
   */
  public static Optional<PolledResource> of(String armId, String region, StringBuilder why) {
    Optional<AzureResourceId> parsed = AzureResourceId.parse(armId);
    if (parsed.isEmpty()) {
      why.append('"').append(armId).append("\" is not an Azure Machine Learning resource id");
      return Optional.empty();
    }
    AzureResourceId id = parsed.get();
    Kind kind;
    if (id.deployment() != null && id.endpoint() != null) {
      kind = Kind.DEPLOYMENT;
    } else if (id.compute() == null && id.endpoint() == null) {
      kind = Kind.WORKSPACE;
    } else {
      why.append('"').append(armId).append("\" is neither a workspace nor an online deployment (compute node "
          + "counts are metrics of the workspace: list the workspace)");
      return Optional.empty();
    }
    if (region == null || region.isBlank()) {
      why.append("no region for \"").append(armId).append('"');
      return Optional.empty();
    }
    String subscription = armId.trim().split("/")[2];
    return Optional.of(new PolledResource(armId.trim(), subscription, region, kind));
  }

  /** The lower-cased id: the high-water mark's key and the raw record's key. */
  public String key() {
    return id.toLowerCase(Locale.ROOT);
  }
}
