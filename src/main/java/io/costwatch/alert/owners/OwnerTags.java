package io.costwatch.alert.owners;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which resource tags name the owners: for each of {@code team}, {@code owner} and {@code costCenter} one or more tag
 * names, tried in order. Azure tag names are case-insensitive, so they are matched ignoring case; a blank value counts
 * as absent, and so does a JSON object or array (an Azure tag value is a string; billing parsing keeps nested values
 * as their JSON text). Configured as {@code COSTWATCH_OWNER_TAGS=team=team|squad,owner=owner,costCenter=cost-center|costcenter}.
 */
public record OwnerTags(List<String> team, List<String> owner, List<String> costCenter) {

  public static final String DEFAULT_TEXT = "team=team,owner=owner,costCenter=cost-center|costcenter";

  public OwnerTags {
    team = lower(team);
    owner = lower(owner);
    costCenter = lower(costCenter);
  }

  public static OwnerTags defaults() {
    return parse(DEFAULT_TEXT);
  }

  /**
   * Parses {@code field=tag[|tag...],...}; a field left out keeps its default tag name, an empty list switches it off.
   *
   * @throws IllegalArgumentException naming the entry at fault and the allowed fields
   */
  public static OwnerTags parse(String text) {
    List<String> team = List.of("team");
    List<String> owner = List.of("owner");
    List<String> costCenter = List.of("cost-center", "costcenter");
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("'" + entry.strip() + "' is not field=tag (fields: team, owner, costCenter)");
      }
      String field = entry.substring(0, eq).strip();
      List<String> names = names(entry.substring(eq + 1));
      switch (field) {
        case "team" -> team = names;
        case "owner" -> owner = names;
        case "costCenter" -> costCenter = names;
        default -> throw new IllegalArgumentException("'" + field + "' is not an owner field (fields: team, owner, "
            + "costCenter)");
      }
    }
    return new OwnerTags(team, owner, costCenter);
  }

  /** The owners a resource's tags name; {@link Owners#NONE} when none of the tags is there. */
  public Owners read(Map<String, String> tags) {
    if (tags == null || tags.isEmpty()) {
      return Owners.NONE;
    }
    return new Owners(find(tags, team), find(tags, owner), find(tags, costCenter));
  }

  private static String find(Map<String, String> tags, List<String> names) {
    for (String name : names) {
      for (Map.Entry<String, String> tag : tags.entrySet()) {
        if (tag.getKey() != null && isValue(tag.getValue())
            && tag.getKey().strip().toLowerCase(Locale.ROOT).equals(name)) {
          return tag.getValue();
        }
      }
    }
    return null;
  }

  private static boolean isValue(String value) {
    if (value == null || value.isBlank()) {
      return false;
    }
    String v = value.strip();
    return !(v.startsWith("{") && v.endsWith("}")) && !(v.startsWith("[") && v.endsWith("]"));
  }

  private static List<String> names(String text) {
    List<String> names = new ArrayList<>();
    for (String name : text.split("\\|")) {
      if (!name.isBlank()) {
        names.add(name.strip());
      }
    }
    return names;
  }

  private static List<String> lower(List<String> names) {
    return names == null ? List.of() : names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }
}
