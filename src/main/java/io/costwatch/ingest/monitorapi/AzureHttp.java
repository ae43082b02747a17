package io.costwatch.ingest.monitorapi;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.util.Context;
import java.time.Duration;

/**
 * The azure-core pipeline both REST clients share: retries wrapped around a bearer-token policy, so every attempt
 * carries a valid token for its audience. azure-core's strategy retries 408, 429 and 5xx except 501/505 (so also the
 * metrics back end's 529 throttling), waiting what {@code Retry-After} / {@code retry-after-ms} says when present.
 */
public final class AzureHttp {

  /** The audience of the metrics data plane ({@code *.metrics.monitor.azure.com}). */
  public static final String METRICS_SCOPE = "https://metrics.monitor.azure.com/.default";
  /** The audience of Azure Resource Manager, for discovery. */
  public static final String ARM_SCOPE = "https://management.azure.com/.default";

  private final HttpPipeline pipeline;

  private AzureHttp(HttpPipeline pipeline) {
    this.pipeline = pipeline;
  }

  /**
   * A pipeline for one audience.
   *
   * @param maxRetries attempts after the first; throttled calls wait what {@code Retry-After} says, others back off
   *     exponentially from {@code baseDelay}
   */
  public static AzureHttp create(HttpClient client, TokenCredential credential, String scope, int maxRetries,
      Duration baseDelay) {
    HttpPipeline pipeline = new HttpPipelineBuilder()
        .httpClient(client)
        .policies(new UserAgentPolicy("costwatch-metrics-poller"),
            new RetryPolicy(new ExponentialBackoff(maxRetries, baseDelay, Duration.ofMinutes(1))),
            new BearerTokenAuthenticationPolicy(credential, scope))
        .build();
    return new AzureHttp(pipeline);
  }

  /** Sends a request and returns its status and body; the response is fully read and closed. */
  public Reply send(HttpMethod method, String url, String jsonBody) {
    HttpRequest request = new HttpRequest(method, url);
    request.setHeader(HttpHeaderName.ACCEPT, "application/json");
    if (jsonBody != null) {
      request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
      request.setBody(jsonBody);
    }
    try (HttpResponse response = pipeline.sendSync(request, Context.NONE)) {
      String body = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
      return new Reply(response.getStatusCode(), body);
    }
  }

  /** A response read to the end. */
  public record Reply(int status, String body) {

    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }
}
