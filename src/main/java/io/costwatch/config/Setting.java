package io.costwatch.config;

import java.util.Objects;

/**
 * One setting Costwatch reads: an environment variable, or the same key in the {@code COSTWATCH_CONFIG_FILE}
 * properties file.
 *
 * @param name the variable, e.g. {@code COSTWATCH_HTTP_PORT}
 * @param section the heading it is listed under in docs/configuration.md
 * @param type what the value is, for the reference and for readers
 * @param defaultValue the value used when it is unset, as it would be written; empty when there is none (the
 *     description then says what happens)
 * @param description one line: what it does and what it accepts
 * @param secret whether the value is a secret: never logged, never shown in an error
 */
public record Setting(String name, String section, Type type, String defaultValue, String description,
    boolean secret) {

  /** The kinds of value, as named in the reference. */
  public enum Type {
    TEXT("text"), INTEGER("integer"), NUMBER("number"), AMOUNT("decimal amount"), AMOUNTS("3 amounts"),
    DURATION("duration"), CHOICE("choice"), PATH("file path"), URL("URL"), JSON("JSON"), LIST("list"),
    FLAG("flag");

    private final String label;

    Type(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public Setting {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(description, "description");
    if (!name.matches("COSTWATCH_[A-Z0-9_]+")) {
      throw new IllegalArgumentException("setting names are COSTWATCH_ + upper case: " + name);
    }
  }
}
