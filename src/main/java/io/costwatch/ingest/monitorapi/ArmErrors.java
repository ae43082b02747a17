package io.costwatch.ingest.monitorapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;

/** Turns an Azure error reply ({@code {"error":{"code":...,"message":...}}}, or a bare code/message) into an exception. */
final class ArmErrors {

  private ArmErrors() {
  }

  static MetricsApiException of(String what, AzureHttp.Reply reply) {
    String code = null;
    String message = null;
    try {
      JsonNode root = Json.MAPPER.readTree(reply.body());
      JsonNode error = root != null && root.has("error") ? root.get("error") : root;
      if (error != null && error.isObject()) {
        code = error.path("code").asText(null);
        message = error.path("message").asText(null);
      }
    } catch (Exception e) {
      message = reply.body().length() > 200 ? reply.body().substring(0, 200) + "..." : reply.body();
    }
    return new MetricsApiException(what, reply.status(), code, message);
  }
}
