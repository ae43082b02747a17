package io.costwatch.core;

/** How finely a record or finding is scoped inside an Azure ML workspace. */
public enum ScopeKind {
  WORKSPACE,
  COMPUTE,
  ENDPOINT,
  DEPLOYMENT
}
