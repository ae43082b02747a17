package io.costwatch.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;
import io.costwatch.core.ResourceLinks;
import io.costwatch.detect.ScopedSpendRules;
import io.costwatch.detect.SeverityTiers;
import io.costwatch.detect.SpendOverride;
import io.costwatch.detect.SpendRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings whose values are JSON documents: per-scope spend thresholds and linked resources. Each error names
 * the variable (and the file when the value came from one), the entry and the field.
 */
final class JsonSettings {

  private static final List<String> SCOPE_FIELDS = List.of("scope", "lookbackDays", "minHistoryDays", "minDelta",
      "minPercent", "robustZ", "severityTiers");
  private static final List<String> LINK_FIELDS = List.of("resource", "workspace");
  private static final String SCOPE_FORMS = "a subscription (/subscriptions/<id>), a resource group "
      + "(/subscriptions/<id>/resourceGroups/<rg>), a workspace id or a workspace name";

  private JsonSettings() {
  }

  /**
   * @param source how errors name the value, e.g. {@code COSTWATCH_SPEND_SCOPE_RULES} or
   *     {@code COSTWATCH_SPEND_SCOPE_RULES_FILE=rules.json}
   */
  static ScopedSpendRules spendScopes(String source, String json, SpendRules defaults) {
    JsonNode root = parse(source, json);
    if (!root.isArray()) {
      throw new ConfigException(source + " must be a JSON list of {\"scope\": ..., \"minDelta\": ...} entries");
    }
    List<SpendOverride> overrides = new ArrayList<>();
    Set<String> scopes = new HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      String entry = source + " entry [" + i + "]";
      JsonNode node = root.get(i);
      if (!node.isObject()) {
        throw new ConfigException(entry + " must be a JSON object with a \"scope\" field");
      }
      unknownFields(entry, node, SCOPE_FIELDS);
      JsonNode scopeNode = node.get("scope");
      if (scopeNode == null || !scopeNode.isTextual() || scopeNode.asText().isBlank()) {
        throw new ConfigException(entry + " field scope is missing; it must be " + SCOPE_FORMS);
      }
      String scope = SpendOverride.normalise(scopeNode.asText());
      if (SpendOverride.kindOf(scope).isEmpty()) {
        throw new ConfigException(entry + " field scope=" + scopeNode.asText() + " is not " + SCOPE_FORMS);
      }
      if (!scopes.add(scope)) {
        throw new ConfigException(entry + " field scope=" + scopeNode.asText()
            + " is the same scope as an earlier entry (scopes compare case-insensitively)");
      }
      if (node.size() == 1) {
        throw new ConfigException(entry + " (scope " + scope + ") sets no threshold; give at least one of "
            + SCOPE_FIELDS.subList(1, SCOPE_FIELDS.size()));
      }
      Double lookback = number(entry, node, "lookbackDays", 7, 366, true);
      Double minHistory = number(entry, node, "minHistoryDays", 1, 366, true);
      Double minDelta = number(entry, node, "minDelta", 0, 1e12, false);
      overrides.add(SpendOverride.of(scope,
          lookback == null ? null : lookback.intValue(),
          minHistory == null ? null : minHistory.intValue(),
          minDelta == null ? null : node.get("minDelta").decimalValue(),
          number(entry, node, "minPercent", 0, 1e6, false),
          number(entry, node, "robustZ", 0, 100, false),
          tiers(entry, node.get("severityTiers"))));
    }
    return new ScopedSpendRules(defaults, overrides);
  }

  /** A JSON object {@code {"<resource id or prefix>": "<workspace id>"}} or a list of {resource, workspace}. */
  static ResourceLinks links(String source, String json) {
    JsonNode root = parse(source, json);
    Map<String, String> links = new LinkedHashMap<>();
    if (root.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        String entry = source + " entry \"" + f.getKey() + "\"";
        if (!f.getValue().isTextual()) {
          throw new ConfigException(entry + " must map to a workspace id string");
        }
        link(entry, f.getKey(), f.getValue().asText(), links);
      }
    } else if (root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        String entry = source + " entry [" + i + "]";
        JsonNode node = root.get(i);
        if (!node.isObject()) {
          throw new ConfigException(entry + " must be a JSON object {\"resource\": ..., \"workspace\": ...}");
        }
        unknownFields(entry, node, LINK_FIELDS);
        link(entry, text(entry, node, "resource"), text(entry, node, "workspace"), links);
      }
    } else {
      throw new ConfigException(source + " must be a JSON object {\"<resource id>\": \"<workspace id>\"} or a list "
          + "of {\"resource\": ..., \"workspace\": ...}");
    }
    return ResourceLinks.of(links);
  }

  private static void link(String entry, String resource, String workspace, Map<String, String> links) {
    String key = ResourceLinks.normalise(resource);
    if (!ResourceLinks.isArmId(key)) {
      throw new ConfigException(entry + " resource " + resource + " is not an ARM resource id or prefix "
          + "(/subscriptions/<id>/resourceGroups/<rg>/providers/...)");
    }
    if (ResourceLinks.workspaceOf(workspace).isEmpty()) {
      throw new ConfigException(entry + " workspace " + workspace + " is not a workspace id "
          + "(/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<name>)");
    }
    if (links.containsKey(key)) {
      throw new ConfigException(entry + " resource " + resource
          + " is linked twice (resource ids compare case-insensitively)");
    }
    links.put(key, workspace);
  }

  private static JsonNode parse(String source, String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static void unknownFields(String entry, JsonNode node, List<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new ConfigException(entry + " has unknown field '" + name + "' (allowed: " + allowed + ")");
      }
    }
  }

  private static String text(String entry, JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new ConfigException(entry + " field " + field + " is missing or not a string");
    }
    return v.asText();
  }

  private static Double number(String entry, JsonNode node, String field, double min, double max, boolean whole) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String range = fmt(min) + ".." + fmt(max);
    if (!v.isNumber()) {
      throw new ConfigException(entry + " field " + field + "=" + v + " is not a number (allowed " + range + ")");
    }
    double d = v.doubleValue();
    if (d < 0) {
      throw new ConfigException(entry + " field " + field + "=" + v + " is negative (allowed " + range + ")");
    }
    if (d < min || d > max) {
      throw new ConfigException(entry + " field " + field + "=" + v + " is outside " + range);
    }
    if (whole && d != Math.rint(d)) {
      throw new ConfigException(entry + " field " + field + "=" + v + " must be a whole number of days");
    }
    return d;
  }

  private static SeverityTiers tiers(String entry, JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isArray() && v.size() == 3 && v.get(0).isNumber() && v.get(1).isNumber() && v.get(2).isNumber()
        && v.get(0).doubleValue() >= 0 && v.get(1).doubleValue() >= 0 && v.get(2).doubleValue() >= 0) {
      return new SeverityTiers(v.get(0).decimalValue(), v.get(1).decimalValue(), v.get(2).decimalValue());
    }
    throw new ConfigException(entry + " field severityTiers=" + v
        + " must be three non-negative amounts [medium, high, critical], e.g. [100, 1000, 5000]");
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
