package io.costwatch.topology;

import io.costwatch.core.ParseResult;
/** Turns a rejected record into the dead-letter event, counting it. */
final class DeadLetters {

  private DeadLetters() {
  }

  static DeadLetter of(String stage, ParseResult.Rejected<?> rejected) {
    return new DeadLetter(DeadLetter.SCHEMA_VERSION, stage, rejected.reason(), rejected.detail(), rejected.field(),
        rejected.source() == null ? null : rejected.source().toString(), rejected.raw(),
        null);
  }

  static String key(ParseResult.Rejected<?> rejected) {
    return rejected.source() == null ? null : rejected.source().toString();
  }
}
