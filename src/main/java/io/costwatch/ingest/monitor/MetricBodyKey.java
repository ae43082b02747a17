package io.costwatch.ingest.monitor;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record key of an Azure Monitor event body, as the Event Hubs bridge gives it: the resource id of its first
 * record, lower case (null when it names none). One resource's bodies then stay in one raw partition, in the order
 * they were sent, which the per-scope windows need: bodies of one scope spread over partitions reach the window task
 * in the order the partitions' tasks happen to run and can overtake each other by more than the grace.
 */
public final class MetricBodyKey {

  /** The first {@code "resourceId"} of the body: that of its first record, without parsing the whole body. */
  private static final Pattern RESOURCE_ID = Pattern.compile("\"resourceId\"\\s*:\\s*\"([^\"]+)\"");

  private MetricBodyKey() {
  }

  public static String of(String body) {
    if (body == null) {
      return null;
    }
    Matcher m = RESOURCE_ID.matcher(body);
    return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
  }
}
