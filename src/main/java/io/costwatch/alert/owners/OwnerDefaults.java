package io.costwatch.alert.owners;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The team of resources that carry no team tag, by workspace name or resource group name (compared ignoring case; a
 * workspace entry wins over its resource group's). Configured as
 * {@code COSTWATCH_OWNER_TEAMS=workspace:ws-vision=vision,resource-group:rg-research=research}.
 */
public record OwnerDefaults(Map<String, String> byWorkspace, Map<String, String> byResourceGroup) {

  private static final String WORKSPACE = "workspace:";
  private static final String RESOURCE_GROUP = "resource-group:";

  public OwnerDefaults {
    byWorkspace = Map.copyOf(byWorkspace);
    byResourceGroup = Map.copyOf(byResourceGroup);
  }

  public static OwnerDefaults none() {
    return new OwnerDefaults(Map.of(), Map.of());
  }

  /**
   * Parses {@code workspace:<name>=<team>} and {@code resource-group:<name>=<team>} entries, comma-separated.
   *
   * @throws IllegalArgumentException naming the entry at fault and the accepted forms
   */
  public static OwnerDefaults parse(String text) {
    Map<String, String> workspaces = new LinkedHashMap<>();
    Map<String, String> groups = new LinkedHashMap<>();
    for (String raw : text.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String name = eq < 0 ? "" : entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String team = eq < 0 ? "" : entry.substring(eq + 1).strip();
      if (name.startsWith(WORKSPACE) && name.length() > WORKSPACE.length() && !team.isEmpty()) {
        workspaces.put(name.substring(WORKSPACE.length()).strip(), team);
      } else if (name.startsWith(RESOURCE_GROUP) && name.length() > RESOURCE_GROUP.length() && !team.isEmpty()) {
        groups.put(name.substring(RESOURCE_GROUP.length()).strip(), team);
      } else {
        throw new IllegalArgumentException("'" + entry + "' is not workspace:<name>=<team> or "
            + "resource-group:<name>=<team>");
      }
    }
    return new OwnerDefaults(workspaces, groups);
  }

  /** The configured team of a workspace ({@code /subscriptions/../resourcegroups/<rg>/../workspaces/<ws>}). */
  public Owners of(String workspaceId) {
    if (workspaceId == null || (byWorkspace.isEmpty() && byResourceGroup.isEmpty())) {
      return Owners.NONE;
    }
    String id = workspaceId.toLowerCase(Locale.ROOT);
    String team = byWorkspace.get(id.substring(id.lastIndexOf('/') + 1));
    if (team == null) {
      team = byResourceGroup.get(segmentAfter(id, "/resourcegroups/"));
    }
    return new Owners(team, null, null);
  }

  private static String segmentAfter(String id, String marker) {
    int at = id.indexOf(marker);
    if (at < 0) {
      return "";
    }
    int start = at + marker.length();
    int end = id.indexOf('/', start);
    return end < 0 ? id.substring(start) : id.substring(start, end);
  }
}
