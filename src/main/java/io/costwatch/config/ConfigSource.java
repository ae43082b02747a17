package io.costwatch.config;

import io.costwatch.detect.SeverityTiers;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The values of every setting: the environment, over the properties file named by {@code COSTWATCH_CONFIG_FILE},
 * over the defaults of {@link Settings}. Built once per command and handed to every loader ({@link ConfigLoader},
 * the Event Hubs, Metrics API and delivery settings), so all of them honour the file. A {@code COSTWATCH_*} name
 * that {@link Settings} does not list, in the environment or in the file, is an error that suggests the closest
 * listed name; the typed getters name the variable and what it accepts.
 */
public final class ConfigSource {

  public static final String FILE = "COSTWATCH_CONFIG_FILE";
  private static final String PREFIX = "COSTWATCH_";

  private final Map<String, String> values;
  /** Names whose value comes from the properties file, and that file, for error messages. */
  private final Set<String> fromFile;
  private final String file;

  private ConfigSource(Map<String, String> values, Set<String> fromFile, String file) {
    this.values = Collections.unmodifiableMap(values);
    this.fromFile = Set.copyOf(fromFile);
    this.file = file;
  }

  /** The environment {@code env} layered over the file it names (if any); unknown names are rejected. */
  public static ConfigSource of(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Map<String, String> merged = new HashMap<>();
    Set<String> fromFile = new HashSet<>();
    String file = env.get(FILE);
    if (file != null && !file.isBlank()) {
      Map<String, String> read = readFile(Path.of(file.trim()));
      for (String key : new TreeSet<>(read.keySet())) {
        if (!key.startsWith("KAFKA_") && Settings.find(key).isEmpty()) {
          problems.add(unknown(key, " (a key of " + FILE + "=" + file.trim() + ")"));
        }
      }
      merged.putAll(read);
      read.keySet().stream().filter(k -> blank(env.get(k))).forEach(fromFile::add);
    }
    for (String name : new TreeSet<>(env.keySet())) {
      if (name.startsWith(PREFIX) && Settings.find(name).isEmpty()) {
        problems.add(unknown(name, ""));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems) + " (every setting is listed in docs/configuration.md)");
    }
    // a blank variable counts as unset, so it does not hide the file's value
    env.forEach((name, value) -> {
      if (!blank(value) || !merged.containsKey(name)) {
        merged.put(name, value);
      }
    });
    return new ConfigSource(merged, fromFile, file == null ? null : file.trim());
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static String unknown(String name, String where) {
    String what = name.startsWith(PREFIX) ? "is not a Costwatch setting"
        : "is neither a COSTWATCH_* setting nor a KAFKA_* client property";
    return name + where + " " + what + Settings.closest(name).map(s -> "; did you mean " + s + "?").orElse("");
  }

  /** Every value by name (environment over file), for loaders that read a name-to-value map. */
  public Map<String, String> values() {
    return values;
  }

  /** Whether {@code name} has a non-blank value (its default aside). */
  public boolean isSet(String name) {
    Settings.get(name);
    String v = values.get(name);
    return v != null && !v.isBlank();
  }

  /** The trimmed value of {@code name}, or its default ({@code ""} when it has none). */
  public String text(String name) {
    Setting setting = Settings.get(name);
    String v = values.get(name);
    return v == null || v.isBlank() ? setting.defaultValue() : v.trim();
  }

  /** {@code name=value} as an error names it, with the file when the value comes from it. */
  private String written(String name, String value) {
    return name + "=" + value + (fromFile.contains(name) ? " (in " + FILE + "=" + file + ")" : "");
  }

  /** A number within {@code min..max}. */
  public double number(String name, double min, double max) {
    String v = text(name);
    try {
      double d = Double.parseDouble(v);
      if (!(d >= min && d <= max)) {
        throw new ConfigException(written(name, v) + " is outside " + fmt(min) + ".." + fmt(max));
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ConfigException(written(name, v) + " is not a number (allowed " + fmt(min) + ".." + fmt(max)
          + ")");
    }
  }

  /** Like {@link #number} but exact: the value as written. */
  public BigDecimal decimal(String name, double min, double max) {
    String v = text(name);
    try {
      BigDecimal d = new BigDecimal(v);
      if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
        throw new ConfigException(written(name, v) + " is outside " + fmt(min) + ".." + fmt(max));
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ConfigException(written(name, v) + " is not a number (allowed " + fmt(min) + ".." + fmt(max)
          + ")");
    }
  }

  /** A positive duration: {@code 30m}, {@code 4h}, {@code 2d} or ISO-8601 ({@code PT30M}). */
  public Duration duration(String name) {
    String v = text(name);
    Duration d;
    try {
      d = Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(written(name, v) + " is not a duration (" + Durations.FORMS + ")");
    }
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException(written(name, v) + " must be a positive duration (" + Durations.FORMS + ")");
    }
    return d;
  }

  /** Three amounts {@code medium,high,critical}. */
  public SeverityTiers tiers(String name) {
    String v = text(name);
    String[] parts = v.split(",");
    try {
      if (parts.length != 3) {
        throw new NumberFormatException();
      }
      return new SeverityTiers(new BigDecimal(parts[0].trim()), new BigDecimal(parts[1].trim()),
          new BigDecimal(parts[2].trim()));
    } catch (NumberFormatException e) {
      throw new ConfigException(written(name, v) + " must be three amounts 'medium,high,critical', e.g. 5,25,100");
    }
  }

  private static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException(FILE + "=" + file + " cannot be read: " + e.getMessage());
    }
    Map<String, String> out = new HashMap<>();
    p.forEach((k, v) -> out.put(k.toString(), v.toString()));
    return out;
  }

  static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  @Override
  public String toString() {
    return "ConfigSource[" + values.keySet().stream().filter(k -> k.startsWith(PREFIX)).sorted().toList() + "]";
  }
}
