/**
 * The Verifier port (core/ports.ts) over this folder's probes: what wiring
 * hands the operations, so that they never import verify/ themselves.
 */
import type { Verifier } from '../core/ports.js';
import { checkHealth } from './httpHealth.js';
import { probeOnce } from './probeOnce.js';
import { verifyRelease } from './verifyRelease.js';
import { createWatchProbe } from './watchProbe.js';

export const httpVerifier: Verifier = {
  verify: (input, io) => verifyRelease(input, io),
  checkHealth: (health, expected, io = {}) => checkHealth(health, expected, io),
  probe: (url, io = {}) => probeOnce(url, io),
  watchProbe: (settings) => createWatchProbe({
    prometheus: settings.prometheus, health: settings.health, errorRate: { windowMs: settings.errorRateWindowMs }, now: settings.now,
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  }),
};
