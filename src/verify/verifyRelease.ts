/**
 * Verification of one release: the health check first, then the smoke
 * commands. Smoke runs only on a healthy service, because a smoke failure
 * against a service that is not up says nothing new and costs time.
 */
import type { Exec } from '../core/ports.js';
import type { HealthAttempt, Verification, VerificationCheck, VerifyInput } from '../core/verification.js';
import { checkHealth } from './httpHealth.js';
import { runSmoke } from './smoke.js';

export type { Verification, VerificationCheck, VerifyInput };

export interface VerifyDeps {
  exec: Exec;
  fetch?: typeof fetch | undefined;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  onCheck?: (check: VerificationCheck) => void;
  onAttempt?: (attempt: HealthAttempt) => void;
}

export async function verifyRelease(input: VerifyInput, deps: VerifyDeps): Promise<Verification> {
  const now = deps.now ?? (() => performance.now());
  const verification: Verification = { ok: true, checks: [], reason: null };
  const record = (check: VerificationCheck): void => {
    verification.checks.push(check);
    deps.onCheck?.(check);
    if (!check.ok && verification.ok) {
      verification.ok = false;
      verification.reason = check.detail;
    }
  };

  if (input.health) {
    const health = await checkHealth(input.health, input.expected, {
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      now,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.onAttempt ? { onAttempt: deps.onAttempt } : {}),
    });
    verification.health = health;
    record({ name: 'health', ok: health.ok, detail: health.reason, durationMs: health.durationMs });
    if (!health.ok) return verification;
  }

  if (input.smoke.length > 0) {
    const started = now();
    const smoke = await runSmoke(input.smoke, {
      exec: deps.exec,
      vars: input.vars,
      now,
      ...(input.cwd !== undefined ? { cwd: input.cwd } : {}),
      ...(input.env !== undefined ? { env: input.env } : {}),
      ...(input.smokeTimeoutMs !== undefined ? { timeoutMs: input.smokeTimeoutMs } : {}),
    });
    verification.smoke = smoke;
    const count = smoke.results.length;
    const detail = smoke.reason ?? `${count} smoke command${count === 1 ? '' : 's'} passed`;
    record({ name: 'smoke', ok: smoke.ok, detail, durationMs: Math.round(now() - started) });
  }
  return verification;
}
