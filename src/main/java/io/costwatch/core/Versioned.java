package io.costwatch.core;

/**
 * A value kept in a state store (and its changelog) that carries its schema version and knows the step from any
 * older version to the current shape. The store's serde applies {@link #upgraded()} to every value it reads, so the
 * code behind a store only ever sees the current version; a value written before the version field existed reads as
 * version 0. A change of shape adds a version and one step in {@link #upgraded()}, never a second constructor.
 *
 * @param <T> the value's own type
 */
public interface Versioned<T extends Versioned<T>> {

  int schemaVersion();

  /** This value in the current version: itself when it already is, otherwise the upgraded copy. */
  T upgraded();
}
