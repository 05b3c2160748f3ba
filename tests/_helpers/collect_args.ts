/**
 * The argv of `tripost collect` over the recorded multistep arithmetic cassette
 * (`fixtures/cassettes/collect-msa`): an HTTP student in the compact format, the scripted expert.
 */
export function cassetteCollectArgs(
  studentUrl: string,
  input: string,
  out: string,
  options: { readonly concurrency: number; readonly maxRetries: number },
): string[] {
  return [
    "collect",
    "--task",
    "multistep_arithmetic",
    "--student",
    studentUrl,
    "--expert",
    "scripted",
    "--format",
    "compact",
    "--in",
    input,
    "--out",
    out,
    "--concurrency",
    String(options.concurrency),
    "--max-tokens",
    "64",
    "--max-retries",
    String(options.maxRetries),
  ];
}
