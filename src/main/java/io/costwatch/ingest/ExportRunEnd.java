package io.costwatch.ingest;

/**
 * The end of one export run for one export scope (billing scope, dataset, month): the run's complete set of rows for
 * that scope has been published. Rows of the scope that earlier runs had and this run does not are gone from Cost
 * Management and are retracted.
 *
 * @param exportScope {@code <billing scope>|<dataset>|<yyyy-MM>}, as {@code CostRecord#exportScope}
 * @param exportRun the run, as {@code RawBillingRow#exportRun}
 * @param rows how many parsed rows of this scope the run published; the topology retracts only when it has seen
 *     exactly as many, so a run cut short never retracts the rows it did not get to
 */
public record ExportRunEnd(String exportScope, String exportRun, long rows) {
}
