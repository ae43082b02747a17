package io.costwatch.ingest.monitorapi;

/**
 * A call the Azure API answered with an error after retries. The message names the call, the HTTP status and
 * Azure's error code and message.
 */
public final class MetricsApiException extends RuntimeException {

  private final int status;
  private final String code;

  public MetricsApiException(String what, int status, String code, String message) {
    super(what + ": HTTP " + status + (code == null ? "" : " " + code) + (message == null ? "" : ": " + message));
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** Azure's {@code error.code}, or null when the body had none. */
  public String code() {
    return code;
  }
}
