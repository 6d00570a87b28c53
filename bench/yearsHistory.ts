/**
 * The shape of the generated years of history both bench ledgers share
 * (yearsLedger.ts writes it straight into SQLite, dashboardLedger.ts through
 * the ledger's own code): deploys at a steady pace back from an end time, each
 * with a version, a fake sha, and one in FAILED_EVERY failing verification;
 * and the project's config, releases driver on this host.
 */

/** One deploy in this many failed verification and was rolled back. */
export const FAILED_EVERY = 25;

export interface PastDeploy {
  /** 0 for the oldest. */
  index: number;
  /** Epoch ms when it started. */
  at: number;
  version: string;
  sha: string;
  failed: boolean;
}

/** `count` deploys `everyMs` apart, oldest first, the newest one `everyMs` before `endMs`. */
export function* pastDeploys(count: number, everyMs: number, endMs: number): Generator<PastDeploy> {
  const start = endMs - count * everyMs;
  for (let i = 0; i < count; i++) {
    yield { index: i, at: start + i * everyMs, version: `v${i}`, sha: fakeSha(i), failed: i % FAILED_EVERY === FAILED_EVERY - 1 };
  }
}

/** Forty hex digits, different for every index (Knuth's multiplicative hash, repeated). */
export function fakeSha(index: number): string {
  return (index * 2654435761 % 2 ** 32).toString(16).padStart(8, '0').repeat(5);
}

/** rewind.yaml of app `shop` with these environments, each a releases dir under ./srv, built from ./build/{version}. */
export function yearsConfig(envs: readonly string[]): string {
  const path = (env: string) => (envs.length === 1 ? './srv' : `./srv/${env}`);
  return `app: shop
default_env: ${envs[0]}
environments:
${envs.map((env) => `  ${env}:
    driver: releases
    hosts: [local]
    approval: { required_for: none }
    releases:
      path: ${path(env)}
      source: { dir: "./build/{version}" }
`).join('')}`;
}
