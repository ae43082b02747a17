package io.costwatch.ingest.billing;

import java.nio.file.Path;

/**
 * One CSV file to read and the export run it belongs to (a manifest's {@code runInfo.runId}, else the manifest or
 * the file itself).
 */
record ExportFile(Path path, String exportRun) {}
