package io.costwatch.ingest.monitorapi;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import reactor.core.publisher.Mono;

/**
 * TLS for the local Azure stand-in: a self-signed certificate for {@code localhost}/{@code 127.0.0.1} made with the
 * JDK's {@code keytool}, served by {@code HttpsServer} and trusted by an azure-core Netty client built here.
 */
final class LocalHttps {

  private static final char[] PASSWORD = "changeit".toCharArray();

  final KeyStore keyStore;

  private LocalHttps(KeyStore keyStore) {
    this.keyStore = keyStore;
  }

  /** A fresh key pair and certificate in {@code dir}; fails (never skips) when keytool cannot run. */
  static LocalHttps create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    if (!Files.isExecutable(keytool)) {
      throw new AssertionError("the JDK's keytool is missing at " + keytool + "; the HTTPS tests need it");
    }
    Path store = dir.resolve("local-azure.p12");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "local-azure", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
        "-keypass", "changeit").redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("keytool failed: " + output);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD);
    }
    return new LocalHttps(ks);
  }

  SSLContext serverContext() throws GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** azure-core's Netty client, trusting only this certificate. */
  HttpClient client() throws GeneralSecurityException, IOException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keyStore);
    SslContext ssl = SslContextBuilder.forClient().trustManager(tmf).build();
    return new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
        .secure(spec -> spec.sslContext(ssl))).build();
  }

  /** A credential that hands out a fixed token per audience: {@code token-for-<scope>}. */
  static TokenCredential fixedToken() {
    return request -> Mono.just(new AccessToken("token-for-" + String.join(" ", request.getScopes()),
        OffsetDateTime.now().plusHours(1)));
  }

  static List<String> scopes() {
    return List.of(AzureHttp.METRICS_SCOPE, AzureHttp.ARM_SCOPE);
  }
}
