package io.costwatch.alert.owners;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.CostRecord;
import java.util.Locale;
import java.util.Optional;

/**
 * The owners a resource's billing rows name, as published to the compacted {@code costwatch.owners.v1} (key: the
 * resource id, lower case) and read back as a global table when alerts are published.
 *
 * @param resourceId the resource the tags belong to, lower case: a workspace, compute, online deployment, or a
 *     resource linked to a workspace (its storage account)
 * @param owners what its tags say; never empty (rows without owner tags teach nothing)
 */
public record ResourceOwners(int schemaVersion, String resourceId, Owners owners) {

  public static final int SCHEMA_VERSION = 1;

  public static ResourceOwners of(String resourceId, Owners owners) {
    return new ResourceOwners(SCHEMA_VERSION, resourceId.toLowerCase(Locale.ROOT), owners);
  }

  /**
   * What a billing row teaches about its resource's owners: nothing for rows outside Azure ML (no alert can name
   * them) or without owner tags. The resource is the finest scope the row names (a compute, or the online deployment a
   * workspace-level row is attributed to by its endpoint tags), else the row's own id (a resource linked to a
   * workspace, such as its storage account).
   */
  public static Optional<ResourceOwners> learnt(CostRecord row, OwnerTags tagNames) {
    if (row == null || row.workspace() == null || row.resourceId() == null || row.resourceId().isBlank()) {
      return Optional.empty();
    }
    Owners owners = tagNames.read(row.tags());
    if (owners.isEmpty()) {
      return Optional.empty();
    }
    boolean underWorkspace = AzureResourceId.parse(row.resourceId()).isPresent();
    return Optional.of(of(underWorkspace ? row.workspace().resourceId() : row.resourceId(), owners));
  }
}
