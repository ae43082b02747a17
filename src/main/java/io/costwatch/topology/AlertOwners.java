package io.costwatch.topology;

import io.costwatch.alert.AlertFactory.Published;
import io.costwatch.alert.owners.OwnerSettings;
import io.costwatch.alert.owners.Owners;
import io.costwatch.alert.owners.ResourceOwners;
import java.util.Locale;

/** Key mappers and joiners that attach owners to a published alert (see {@code CostTopology#withOwners}). */
final class AlertOwners {

  private AlertOwners() {
  }

  /** The alert's resource id, lower case as the owners topic is keyed ("" when absent: no owners). */
  static String resourceKey(Published p) {
    return lower(p.alert().resourceId());
  }

  static String workspaceKey(Published p) {
    return lower(p.alert().workspaceId());
  }

  /** First join: the resource's own tags (or none yet). */
  static Published withResource(Published p, ResourceOwners resource) {
    return owned(p, resource == null ? Owners.NONE : resource.owners());
  }

  /** Second join: what the resource leaves unknown, from its workspace's tags, then from the configured teams. */
  static Published withWorkspace(OwnerSettings settings, Published p, ResourceOwners workspace) {
    ResourceOwners resource = ResourceOwners.of(resourceKey(p), p.alert().owners());
    return owned(p, settings.resolve(resource, workspace, p.alert().workspaceId()));
  }

  private static Published owned(Published p, Owners owners) {
    return new Published(p.alert().withOwners(owners), p.recommendations());
  }

  private static String lower(String id) {
    return id == null ? "" : id.toLowerCase(Locale.ROOT);
  }
}
