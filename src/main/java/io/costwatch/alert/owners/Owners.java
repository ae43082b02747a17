package io.costwatch.alert.owners;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Who answers for a resource, from its {@code team}/{@code owner}/{@code cost-center} tags (names configurable, see
 * {@link OwnerTags}) or from the configured defaults. Only what is known is set; the rest is null and left out of the
 * JSON, so {@code {}} means "nobody known". Alertmanager routes on {@code team}.
 *
 * @param team the owning team
 * @param owner a person or mailbox
 * @param costCenter the cost center charged
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Owners(String team, String owner, String costCenter) {

  public static final Owners NONE = new Owners(null, null, null);

  public Owners {
    team = clean(team);
    owner = clean(owner);
    costCenter = clean(costCenter);
  }

  @JsonIgnore
  public boolean isEmpty() {
    return team == null && owner == null && costCenter == null;
  }

  /** Field by field: this value where known, else {@code fallback}'s (null counts as {@link #NONE}). */
  public Owners orElse(Owners fallback) {
    if (fallback == null) {
      return this;
    }
    return new Owners(team != null ? team : fallback.team, owner != null ? owner : fallback.owner,
        costCenter != null ? costCenter : fallback.costCenter);
  }

  /** Azure caps tag values at 256 characters; anything longer is not a tag value and is cut there. */
  private static String clean(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String trimmed = value.strip();
    return trimmed.length() > 256 ? trimmed.substring(0, 256) : trimmed;
  }
}
