/**
 * This sandbox sets NODE_EXTRA_CA_CERTS (the system CA bundle) for every
 * process, and Node 20 reads and parses that file at every start, before any
 * JavaScript runs: `node -e 0` takes about 0.14 s with it and 0.04 s without
 * it here. A user's shell does not set it, and the baseline (OpenSSH's
 * client) never pays it, so the benchmark runs every command without it and
 * measures rewind with it as well, in rows of their own.
 */
export const SANDBOX_EXTRA_CA_CERTS: string | undefined = process.env.NODE_EXTRA_CA_CERTS;

/** Call first thing: every process the benchmark starts from then on inherits a user's environment. */
export function runAsAUsersShell(): void {
  delete process.env.NODE_EXTRA_CA_CERTS;
}

/** The variable as the sandbox set it, for the rows that measure its cost (empty when it was not set). */
export function sandboxCaEnv(): NodeJS.ProcessEnv {
  return SANDBOX_EXTRA_CA_CERTS === undefined ? {} : { NODE_EXTRA_CA_CERTS: SANDBOX_EXTRA_CA_CERTS };
}
