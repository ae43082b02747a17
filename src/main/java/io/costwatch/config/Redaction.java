package io.costwatch.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The one place that decides what of a configuration value, URL or connection string may be shown. Every start-up
 * print, log line and error message that carries configuration goes through {@link #mask(String)} or
 * {@link #maskKafkaProperties(Map)}, so a secret never depends on which code path happened to print it.
 *
 * <p>Masked: the password of URL user-info ({@code https://user:****@host}, or all of a user-info without a
 * colon, which is usually a token), secret parameters of query and connection strings ({@code sig=},
 * {@code password=}, {@code AccountKey=}, {@code SharedAccessKey=}, ...), and every Kafka property the clients
 * themselves declare as {@link ConfigDef.Type#PASSWORD} (plus {@code basic.auth.user.info} and key names that say
 * secret).
 */
public final class Redaction {

  /** What a masked value is replaced by. */
  public static final String MASK = "****";

  /** {@code scheme://userinfo@}: the user-info of any URL, however deep in a message. */
  private static final Pattern USER_INFO = Pattern.compile(
      "(?<scheme>\\b[A-Za-z][A-Za-z0-9+.-]*://)(?<user>[^/?#@\\s:'\"]*)(?<password>:[^/?#\\s'\"]*)?@");

  /** {@code name=value} of a query string, connection string or JAAS line whose name says it is a secret. */
  private static final Pattern SECRET_PARAMETER = Pattern.compile(
      "(?i)(?<name>(?<![A-Za-z0-9])(?:sig|signature|password|passwd|pwd|secret|client_secret|clientsecret|access_token|"
          + "accesstoken|refresh_token|token|api[_-]?key|apikey|AccountKey|SharedAccessKey|SharedAccessSignature|"
          + "x-amz-signature|x-goog-signature|basic[._]auth[._]user[._]info))(?<sep>\\s*=\\s*)"
          + "(?<value>\"[^\"]*\"|'[^']*'|[^&;\\s,\"'}\\]]+)");

  /** Kafka keys are also set with these prefixes (Kafka Streams' per-client and listener overrides). */
  private static final Pattern KAFKA_PREFIX = Pattern.compile(
      "^(?:main\\.consumer\\.|restore\\.consumer\\.|global\\.consumer\\.|consumer\\.|producer\\.|admin\\.|"
          + "listener\\.name\\.[^.]+\\.(?:[^.]+\\.)?)+");

  private static final Set<String> KAFKA_PASSWORDS = kafkaPasswordKeys();

  private Redaction() {
  }

  /** {@code text} with URL passwords and secret parameters replaced by {@value #MASK}; null stays null. */
  public static String mask(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    Matcher userInfo = USER_INFO.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (userInfo.find()) {
      String replacement = userInfo.group("password") != null
          ? userInfo.group("scheme") + userInfo.group("user") + ":" + MASK + "@"
          : userInfo.group("scheme") + MASK + "@";
      userInfo.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    userInfo.appendTail(out);
    Matcher parameter = SECRET_PARAMETER.matcher(out);
    StringBuilder masked = new StringBuilder(out.length());
    while (parameter.find()) {
      String value = parameter.group("value");
      String quote = value.startsWith("\"") ? "\"" : value.startsWith("'") ? "'" : "";
      parameter.appendReplacement(masked, Matcher.quoteReplacement(
          parameter.group("name") + parameter.group("sep") + quote + MASK + quote));
    }
    parameter.appendTail(masked);
    return masked.toString();
  }

  /**
   * The properties with every secret value replaced by {@value #MASK} and every other value passed through
   * {@link #mask(String)}; order kept. For printing only: never give the result to a client.
   */
  public static Map<String, Object> maskKafkaProperties(Map<String, ?> properties) {
    Map<String, Object> out = new LinkedHashMap<>();
    properties.forEach((key, value) -> out.put(key, isSecretKafkaKey(key) ? MASK
        : value == null ? null : mask(String.valueOf(value))));
    return out;
  }

  /**
   * Whether a Kafka property holds a secret: a {@code PASSWORD}-typed key of the producer, consumer, admin or
   * Streams configuration (also under a Streams client prefix or a listener prefix), {@code basic.auth.user.info},
   * or a key naming a password, secret, credential or JAAS configuration.
   */
  public static boolean isSecretKafkaKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    String bare = KAFKA_PREFIX.matcher(k).replaceFirst("");
    return KAFKA_PASSWORDS.contains(k) || KAFKA_PASSWORDS.contains(bare) || bare.endsWith("user.info")
        || k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("credential")
        || bare.endsWith(".token") || bare.equals("token");
  }

  /** The keys Kafka's own clients mark as passwords (and hide in their own logs). */
  static Set<String> kafkaPasswordKeys() {
    Set<String> keys = new TreeSet<>();
    Stream.of(ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef(),
            StreamsConfig.configDef())
        .flatMap(def -> def.configKeys().values().stream())
        .filter(key -> key.type == ConfigDef.Type.PASSWORD)
        .forEach(key -> keys.add(key.name.toLowerCase(Locale.ROOT)));
    keys.add("basic.auth.user.info");
    return Set.copyOf(keys);
  }
}
