package io.costwatch.core;

/** How finely a record or finding is scoped inside an Azure ML workspace. */
public enum ScopeKind {
  WORKSPACE,
  COMPUTE,
  ENDPOINT,
  DEPLOYMENT,
  /** Another resource billed to the workspace (a linked storage account), named by its full ARM id. */
  RESOURCE
}
