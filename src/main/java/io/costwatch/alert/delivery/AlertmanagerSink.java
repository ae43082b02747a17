package io.costwatch.alert.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.costwatch.alert.AlertStatus;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.core.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Pushes lifecycle events to Alertmanager's v2 API and keeps firing alerts alive there.
 *
 * <p>Alertmanager treats a pushed alert as firing until its {@code endsAt}; clients are expected to re-send firing
 * alerts at their evaluation cadence (Prometheus re-sends every minute with {@code endsAt} a few minutes ahead). So
 * this sink keeps the set of firing alerts in memory and {@link #resendFiring(Instant)} posts all of them; a RESOLVED
 * is posted with {@code endsAt} = its resolution time, which resolves the alert at once. A failed post is not retried
 * on its own: the next re-send carries the firing set again, and unsent resolutions until their alert would have
 * expired anyway. Posts for the same alert id are kept in order (an OPEN racing past its RESOLVED would re-fire it).
 * After a restart, {@link #rebuild(Collection)} restores the firing set from the compacted alert-state topic.
 */
public final class AlertmanagerSink {

  private final AlertmanagerConfig config;
  private final HttpClient http;
  private final Clock clock;
  private final Counters counters = new Counters();
  private final ConcurrentMap<String, LifecycleEvent> firing = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LifecycleEvent> unsentResolutions = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, CompletableFuture<Delivery>> inFlight = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Map<String, String>> postedLabels = new ConcurrentHashMap<>();

  public AlertmanagerSink(AlertmanagerConfig config, HttpClient http, Clock clock) {
    this.config = config;
    this.http = http;
    this.clock = clock;
  }

  public AlertmanagerSink(AlertmanagerConfig config) {
    this(config, HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build(), Clock.systemUTC());
  }

  /** Records the event in the firing set and posts it; the future never completes exceptionally. */
  public CompletableFuture<Delivery> deliver(LifecycleEvent event) {
    String id = event.alertId();
    if (event.status() == AlertStatus.RESOLVED) {
      firing.remove(id);
    } else {
      firing.put(id, event);
      unsentResolutions.remove(id);
    }
    CompletableFuture<Delivery> done = inFlight.compute(id, (key, previous) ->
        (previous == null ? CompletableFuture.<Delivery>completedFuture(null) : previous)
            .thenCompose(ignored -> post(withRelabelling(event, clock.instant()), id))
            .thenApply(delivery -> afterDelivery(event, delivery)));
    done.whenComplete((delivery, error) -> inFlight.remove(id, done));
    return done;
  }

  /** Posts every firing alert (and resolutions that did not get through) as one batch with a fresh {@code endsAt}. */
  public CompletableFuture<Delivery> resendFiring(Instant now) {
    unsentResolutions.values().removeIf(e -> !now.isBefore(e.resolvedAt().plus(config.resendTtl())));
    List<LifecycleEvent> batch = new ArrayList<>(firing.values());
    List<LifecycleEvent> resolutions = new ArrayList<>(unsentResolutions.values());
    batch.addAll(resolutions);
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(new Delivery("resend", true, 0, 0, null));
    }
    return post(batch.stream().map(e -> AlertmanagerAlert.of(e, config, now)).toList(), "resend").whenComplete((delivery, error) -> {
      if (delivery != null && delivery.delivered()) {
        resolutions.forEach(r -> unsentResolutions.remove(r.alertId(), r));
      }
    });
  }

  /** Replaces the firing set, e.g. with {@code AlertLifecycle.firingEvent} of every state in the state topic. */
  public void rebuild(Collection<LifecycleEvent> firingEvents) {
    firing.clear();
    postedLabels.clear();
    for (LifecycleEvent e : firingEvents) {
      if (e.status() != AlertStatus.RESOLVED) {
        firing.put(e.alertId(), e);
        postedLabels.put(e.alertId(), AlertmanagerAlert.of(e, config, clock.instant()).labels());
      }
    }
  }

  /** The alerts currently considered firing, by no particular order. */
  public List<LifecycleEvent> firing() {
    return List.copyOf(firing.values());
  }

  public DeliveryStats stats() {
    return counters.snapshot();
  }

  private Delivery afterDelivery(LifecycleEvent event, Delivery delivery) {
    if (event.status() == AlertStatus.RESOLVED && delivery.delivered()) {
      unsentResolutions.remove(event.alertId(), event);
    } else if (event.status() == AlertStatus.RESOLVED && !firing.containsKey(event.alertId())) {
      unsentResolutions.put(event.alertId(), event);
    }
    return delivery;
  }

  /**
   * The alert to post for {@code event}, preceded by an ending copy of the previously posted one when the labels
   * changed (a severity UPDATE): Alertmanager identifies alerts by their labels, so without it the old one would keep
   * firing until its {@code endsAt}.
   */
  private List<AlertmanagerAlert> withRelabelling(LifecycleEvent event, Instant now) {
    AlertmanagerAlert alert = AlertmanagerAlert.of(event, config, now);
    Map<String, String> previous = event.status() == AlertStatus.RESOLVED
        ? postedLabels.remove(event.alertId()) : postedLabels.put(event.alertId(), alert.labels());
    if (previous == null || previous.equals(alert.labels())) {
      return List.of(alert);
    }
    Instant end = event.status() == AlertStatus.RESOLVED ? event.resolvedAt() : now;
    return List.of(new AlertmanagerAlert(previous, alert.annotations(), alert.startsAt(), end, alert.generatorURL()),
        alert);
  }

  private CompletableFuture<Delivery> post(List<AlertmanagerAlert> alerts, String key) {
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(alerts);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an Alertmanager alert must serialise", e);
    }
    HttpRequest request = HttpRequest.newBuilder(config.alertsUrl())
        .timeout(config.requestTimeout())
        .header("Content-Type", "application/json")
        .header("User-Agent", "costwatch")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
      if (error == null && response.statusCode() / 100 == 2) {
        counters.delivered();
        return new Delivery(key, true, 1, response.statusCode(), null);
      }
      String why = error == null ? "HTTP " + response.statusCode() + ": " + abbreviate(response.body())
          : describe(error);
      counters.failed(why);
      return new Delivery(key, false, 1, response == null ? 0 : response.statusCode(), why);
    });
  }

  private static String abbreviate(String s) {
    return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static String describe(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
