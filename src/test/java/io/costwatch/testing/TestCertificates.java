package io.costwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A broker key pair with a self-signed certificate for 127.0.0.1 and a trust store holding that certificate, made by
 * the JDK's {@code keytool} (no extra library): what a TLS listener and its clients need in a test.
 */
public record TestCertificates(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {

  /** Writes {@code broker.p12} and {@code truststore.p12} (PKCS12) to {@code dir}, with random passwords. */
  public static TestCertificates create(Path dir) {
    String keyPassword = Secrets.random("ks-");
    String trustPassword = Secrets.random("ts-");
    Path keyStore = dir.resolve("broker.p12");
    Path certificate = dir.resolve("broker.pem");
    Path trustStore = dir.resolve("truststore.p12");
    keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-keystore", keyStore.toString(),
        "-storetype", "PKCS12", "-storepass", keyPassword, "-keypass", keyPassword);
    keytool("-exportcert", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass", keyPassword, "-rfc",
        "-file", certificate.toString());
    keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-keystore",
        trustStore.toString(), "-storetype", "PKCS12", "-storepass", trustPassword);
    return new TestCertificates(keyStore, keyPassword, trustStore, trustPassword);
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
