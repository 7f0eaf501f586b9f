/**
 * Whether AWS calls are logged (--verbose). Its own module without SDK imports, so the CLI can
 * set it without loading the AWS SDK for commands that make no AWS call.
 */
let verbose = false;
let sink: ((line: string) => void) | undefined;

/** `log` receives the lines (the CLI's stderr); stderr by default. */
export function setAwsVerbose(value: boolean, log?: (line: string) => void): void {
  verbose = value;
  sink = value ? log : undefined;
}

export function awsVerboseLog(line: string): void {
  if (sink) sink(line);
  else process.stderr.write(line + '\n');
}

/** --verbose, NX_VERBOSE_LOGGING=true (nx --verbose), or ATMOS_LOGS_LEVEL=Debug|Trace (Atmos's switch). */
export function isAwsVerbose(env: Record<string, string | undefined>): boolean {
  return verbose || env.ATMOS_NX_VERBOSE === 'true' || env.NX_VERBOSE_LOGGING === 'true' || /^(debug|trace)$/i.test(env.ATMOS_LOGS_LEVEL ?? '');
}
