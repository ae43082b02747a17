package io.costwatch.alert.owners;

/**
 * How alerts find their owners: the tag names read from billing rows, and the configured teams of untagged
 * workspaces.
 */
public record OwnerSettings(OwnerTags tags, OwnerDefaults teams) {

  public static OwnerSettings standard() {
    return new OwnerSettings(OwnerTags.defaults(), OwnerDefaults.none());
  }

  /**
   * An alert's owners: the resource's tags, then (field by field) its workspace's, then the configured team. Either
   * learnt value may be null (nothing learnt yet).
   */
  public Owners resolve(ResourceOwners resource, ResourceOwners workspace, String workspaceId) {
    Owners owners = resource == null ? Owners.NONE : resource.owners();
    if (workspace != null) {
      owners = owners.orElse(workspace.owners());
    }
    return owners.orElse(teams.of(workspaceId));
  }
}
