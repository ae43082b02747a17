package io.costwatch.core;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Resources billed on their own ids that belong to an Azure ML workspace: its storage account, container registry,
 * key vault, the egress of its data. Cost Management rows of those ids name no workspace, so without a link they are
 * invisible to the spend detector. A link's key is a resource id or a prefix of ids (a whole resource group); the
 * longest key that is the row's id or one of its ancestors (whole path segments only) wins.
 */
public final class ResourceLinks {

  private static final ResourceLinks NONE = new ResourceLinks(Map.of());

  private final Map<String, AzureResourceId> links;

  private ResourceLinks(Map<String, AzureResourceId> links) {
    this.links = Map.copyOf(links);
  }

  public static ResourceLinks none() {
    return NONE;
  }

  /**
   * @param links resource id (or id prefix) to workspace id, any case
   * @throws IllegalArgumentException when a key is not an ARM id or a value not a workspace id (the config loader
   *     validates first and names the variable)
   */
  public static ResourceLinks of(Map<String, String> links) {
    Map<String, AzureResourceId> out = new LinkedHashMap<>();
    links.forEach((resource, workspace) -> {
      String key = normalise(resource);
      if (!isArmId(key)) {
        throw new IllegalArgumentException("not an ARM resource id: " + resource);
      }
      AzureResourceId target = workspaceOf(workspace)
          .orElseThrow(() -> new IllegalArgumentException("not a workspace id: " + workspace));
      if (out.put(key, target) != null) {
        throw new IllegalArgumentException("linked twice: " + resource);
      }
    });
    return out.isEmpty() ? NONE : new ResourceLinks(out);
  }

  /** Lower case, trimmed, without a trailing slash. */
  public static String normalise(String id) {
    String s = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
    while (s.length() > 1 && s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  /** {@code /subscriptions/<id>} followed by any number of non-empty segments. */
  public static boolean isArmId(String normalised) {
    String[] parts = normalised.split("/", -1);
    if (parts.length < 3 || !parts[0].isEmpty() || !"subscriptions".equals(parts[1])) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].isBlank()) {
        return false;
      }
    }
    return true;
  }

  /** The workspace a workspace id names; empty for any other id (including ids of things under a workspace). */
  public static Optional<AzureResourceId> workspaceOf(String id) {
    String s = normalise(id);
    return AzureResourceId.parse(s).filter(w -> w.workspaceId().equals(s))
        .map(w -> AzureResourceId.workspace(w.workspaceId()));
  }

  public boolean isEmpty() {
    return links.isEmpty();
  }

  /**
   * The record with the workspace its resource is linked to, when it names none; every other record unchanged (a
   * row already under a workspace keeps it).
   */
  public CostRecord attach(CostRecord record) {
    if (record == null || record.workspace() != null || links.isEmpty() || record.resourceId() == null) {
      return record;
    }
    String id = normalise(record.resourceId());
    while (id.length() > 1) {
      AzureResourceId workspace = links.get(id);
      if (workspace != null) {
        return record.withWorkspace(workspace);
      }
      id = id.substring(0, id.lastIndexOf('/'));
    }
    return record;
  }

  @Override
  public String toString() {
    return "ResourceLinks" + links.keySet();
  }
}
