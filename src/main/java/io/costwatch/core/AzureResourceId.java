package io.costwatch.core;

import java.util.Locale;
import java.util.Optional;

/**
 * An ARM resource id under an Azure Machine Learning workspace, normalised to lower case: Azure Monitor sends
 * ids upper-cased and Cost Management in mixed case, so ids are only ever compared lower-cased.
 *
 * @param workspaceId {@code /subscriptions/{s}/resourcegroups/{rg}/providers/microsoft.machinelearningservices/workspaces/{ws}}
 * @param compute a compute (cluster or instance) name, or null
 * @param endpoint an online endpoint name, or null
 * @param deployment a deployment name under {@code endpoint}, or null
 * @param resource the full ARM id of another resource billed to the workspace (its storage account, the resource
 *     whose egress is billed), or null; when set it is the finest id, so two storage accounts of one workspace are
 *     two alert fingerprints
 */
public record AzureResourceId(String workspaceId, String compute, String endpoint, String deployment,
    String resource) {

  private static final String WORKSPACES = "/providers/microsoft.machinelearningservices/workspaces/";

  /** An id at or under the workspace itself (state written before {@code resource} existed reads as this). */
  public AzureResourceId(String workspaceId, String compute, String endpoint, String deployment) {
    this(workspaceId, compute, endpoint, deployment, null);
  }

  /** Parses any id at or under a workspace; empty for ids of other resource types. */
  public static Optional<AzureResourceId> parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    String id = raw.trim().toLowerCase(Locale.ROOT);
    int at = id.indexOf(WORKSPACES);
    if (at < 0 || !id.startsWith("/subscriptions/")) {
      return Optional.empty();
    }
    String[] rest = id.substring(at + WORKSPACES.length()).split("/");
    if (rest.length == 0 || rest[0].isEmpty()) {
      return Optional.empty();
    }
    String workspaceId = id.substring(0, at + WORKSPACES.length()) + rest[0];
    String compute = null;
    String endpoint = null;
    String deployment = null;
    for (int i = 1; i + 1 < rest.length; i += 2) {
      switch (rest[i]) {
        case "computes" -> compute = rest[i + 1];
        case "onlineendpoints", "batchendpoints" -> endpoint = rest[i + 1];
        case "deployments" -> deployment = rest[i + 1];
        default -> { }
      }
    }
    return Optional.of(new AzureResourceId(workspaceId, compute, endpoint, deployment));
  }

  public static AzureResourceId workspace(String workspaceId) {
    return new AzureResourceId(workspaceId.toLowerCase(Locale.ROOT), null, null, null);
  }

  /** The workspace's short name (last path segment). */
  public String workspaceName() {
    return workspaceId.substring(workspaceId.lastIndexOf('/') + 1);
  }

  public ScopeKind scope() {
    if (resource != null) {
      return ScopeKind.RESOURCE;
    }
    if (deployment != null) {
      return ScopeKind.DEPLOYMENT;
    }
    if (endpoint != null) {
      return ScopeKind.ENDPOINT;
    }
    return compute != null ? ScopeKind.COMPUTE : ScopeKind.WORKSPACE;
  }

  public AzureResourceId withCompute(String name) {
    return new AzureResourceId(workspaceId, lower(name), null, null);
  }

  public AzureResourceId withDeployment(String endpointName, String deploymentName) {
    return new AzureResourceId(workspaceId, null, lower(endpointName), lower(deploymentName));
  }

  /**
   * The workspace's view of another resource billed to it, e.g. a linked storage account; the workspace itself when
   * {@code armId} is blank or is the workspace.
   */
  public AzureResourceId withResource(String armId) {
    String id = lower(armId == null ? null : armId.trim());
    if (id == null || id.isEmpty() || id.equals(workspaceId)) {
      return new AzureResourceId(workspaceId, null, null, null, null);
    }
    return new AzureResourceId(workspaceId, null, null, null, id);
  }

  /**
   * The finest ARM id this names: the other resource, compute, deployment or endpoint when known, else the
   * workspace.
   */
  public String resourceId() {
    return switch (scope()) {
      case COMPUTE -> workspaceId + "/computes/" + compute;
      case ENDPOINT -> workspaceId + "/onlineendpoints/" + endpoint;
      case DEPLOYMENT -> workspaceId + "/onlineendpoints/" + endpoint + "/deployments/" + deployment;
      case RESOURCE -> resource;
      case WORKSPACE -> workspaceId;
    };
  }

  /** A short human label, e.g. {@code ws-vision/gpu-cluster}. */
  public String label() {
    return switch (scope()) {
      case COMPUTE -> workspaceName() + "/" + compute;
      case ENDPOINT -> workspaceName() + "/" + endpoint;
      case DEPLOYMENT -> workspaceName() + "/" + endpoint + "/" + deployment;
      case RESOURCE -> workspaceName() + "/" + resource.substring(resource.lastIndexOf('/') + 1);
      case WORKSPACE -> workspaceName();
    };
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
