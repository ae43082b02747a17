package io.costwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The examples of issue 16, and the places configuration is printed: start-up config and configuration errors. */
class RedactionTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "https://u:secret@login.example.com/token | https://u:****@login.example.com/token",
      "ftp://user:secret@host/ | ftp://user:****@host/",
      "https://tok3n@host/x | https://****@host/x",
      "https://u:p@ss@host/x | https://u:****@host/x",
      "https://acct.blob.core.windows.net/?sv=2022-11-02&sig=abc%2Fdef%3D&se=2026 "
          + "| https://acct.blob.core.windows.net/?sv=2022-11-02&sig=****&se=2026",
      "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=K3y/abc=;EntityPath=m "
          + "| Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=****;EntityPath=m",
      "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc+def==;EndpointSuffix=core.windows.net "
          + "| DefaultEndpointsProtocol=https;AccountName=a;AccountKey=****;EndpointSuffix=core.windows.net",
      "jdbc:x://h/db?user=me&password=hunter2 | jdbc:x://h/db?user=me&password=****",
      "KAFKA_BASIC_AUTH_USER_INFO=u:secret | KAFKA_BASIC_AUTH_USER_INFO=****",
      "COSTWATCH_WEBHOOK_SECRET=s3cr3t is odd | COSTWATCH_WEBHOOK_SECRET=**** is odd",
      "sb://127.0.0.1:5672/ stays | sb://127.0.0.1:5672/ stays",
      "https://host:8443/path?a=1 | https://host:8443/path?a=1"})
  void masksUserInfoAndSecretParameters(String text, String expected) {
    assertEquals(expected, Redaction.mask(text));
  }

  @Test
  void jaasPasswordIsMaskedInsideItsQuotes() {
    String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" "
        + "password=\"p4ss\";";

    assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" "
        + "password=\"****\";", Redaction.mask(jaas));
  }

  @Test
  void everyKafkaPasswordTypedPropertyAndUserInfoIsMasked() {
    Map<String, Object> kafka = new LinkedHashMap<>();
    kafka.put("bootstrap.servers", "broker:9093");
    kafka.put("security.protocol", "SASL_SSL");
    kafka.put("sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"jaas-secret\";");
    kafka.put("ssl.key.password", "key-secret");
    kafka.put("ssl.keystore.password", "keystore-secret");
    kafka.put("ssl.truststore.password", "truststore-secret");
    kafka.put("ssl.keystore.key", "pem-secret");
    kafka.put("producer.ssl.key.password", "prefixed-secret");
    kafka.put("basic.auth.user.info", "u:basic-secret");
    kafka.put("sasl.oauthbearer.token.endpoint.url", "https://u:url-secret@login.example.com/oauth2/token");
    kafka.put("ssl.keystore.location", "/etc/kafka/keystore.jks");

    Map<String, Object> masked = Redaction.maskKafkaProperties(kafka);

    String printed = masked.toString();
    for (String secret : new String[] {"jaas-secret", "key-secret", "keystore-secret", "truststore-secret",
        "pem-secret", "prefixed-secret", "basic-secret", "url-secret"}) {
      assertFalse(printed.contains(secret), secret + " printed in " + printed);
    }
    assertEquals("broker:9093", masked.get("bootstrap.servers"));
    assertEquals("/etc/kafka/keystore.jks", masked.get("ssl.keystore.location"));
    assertEquals("https://u:****@login.example.com/oauth2/token", masked.get("sasl.oauthbearer.token.endpoint.url"));
    assertEquals(kafka.keySet(), masked.keySet());
  }

  @Test
  void theKafkaPasswordKeysComeFromTheClientsConfigDefinitions() {
    assertTrue(Redaction.kafkaPasswordKeys().containsAll(java.util.List.of("sasl.jaas.config", "ssl.key.password",
        "ssl.keystore.password", "ssl.truststore.password", "sasl.oauthbearer.client.credentials.client.secret",
        "basic.auth.user.info")), Redaction.kafkaPasswordKeys().toString());
  }

  @Test
  void startUpConfigPrintMasksKafkaCredentials() {
    AppConfig config = ConfigLoader.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
        "KAFKA_BASIC_AUTH_USER_INFO", "u:secret",
        "KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL", "https://u:secret@login.example.com/token",
        "KAFKA_SASL_JAAS_CONFIG", "PlainLoginModule required username=\"u\" password=\"secret\";"));

    String printed = config.toString();

    assertFalse(printed.contains("secret"), printed);
    assertTrue(printed.contains("basic.auth.user.info=****"), printed);
    assertTrue(printed.contains("https://u:****@login.example.com/token"), printed);
  }

  @Test
  void configurationErrorsEchoNoSecret() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("COSTWATCH_METRICS_WINDOW", "https://u:secret@host/?sig=abc")));

    assertFalse(e.getMessage().contains("secret"), e.getMessage());
    assertFalse(e.getMessage().contains("abc"), e.getMessage());
    assertTrue(e.getMessage().startsWith("COSTWATCH_METRICS_WINDOW=https://u:****@host/?sig=****"), e.getMessage());
  }
}
