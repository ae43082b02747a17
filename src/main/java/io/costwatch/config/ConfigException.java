package io.costwatch.config;

/**
 * A configuration value is missing or invalid; the message names the variable and what it accepts. The message is
 * masked with {@link Redaction#mask(String)}: it echoes the value, which may be a URL or connection string with a
 * secret in it.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(Redaction.mask(message));
  }
}
