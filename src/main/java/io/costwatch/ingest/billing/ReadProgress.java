package io.costwatch.ingest.billing;

/**
 * Progress of an {@link ExportReader} run, for a progress bar: called every few thousand rows and after each file.
 * Bytes are counted as stored on disk (compressed for {@code .csv.gz}), so the ratio is meaningful for both.
 */
@FunctionalInterface
public interface ReadProgress {

  ReadProgress NONE = (rows, bytesRead, totalBytes) -> { };

  /**
   * @param rows rows emitted so far, over all files
   * @param bytesRead bytes of the input files consumed so far
   * @param totalBytes total size of all files of this run
   */
  void update(long rows, long bytesRead, long totalBytes);
}
