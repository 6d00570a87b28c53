import { RewindError } from '../core/errors.js';
import type { LoadedConfig } from './loaded.js';
import type { EnvironmentConfig, RewindConfig } from './schema/index.js';

/** Environment names in the order the file declares them. */
export function environmentNames(config: RewindConfig): string[] {
  return Object.keys(config.environments);
}

/**
 * The environment to act on: `name` (from --env), else default_env, else the
 * one marked `default: true`, else the only one. Anything else is refused
 * rather than guessed: acting on the wrong environment is the costly mistake.
 */
export function selectEnvironment(loaded: LoadedConfig, name?: string): { name: string; env: EnvironmentConfig } {
  const { config } = loaded;
  const names = environmentNames(config);
  if (names.length === 0) {
    throw new RewindError(
      'NO_ENVIRONMENT',
      `no environment is configured in ${loaded.file} (it holds only a pipeline); ` +
        'add environments: (e.g. production: { driver: releases, ... }) to deploy, roll back or see status',
    );
  }
  const chosen =
    name ??
    config.default_env ??
    names.find((each) => config.environments[each]?.default === true) ??
    (names.length === 1 ? names[0] : undefined);
  const expected = `expected one of: ${names.join(', ')}`;
  if (chosen === undefined) {
    throw new RewindError(
      'UNKNOWN_ENV',
      `no environment chosen: pass --env NAME (${expected}), or set default_env in ${loaded.file}`,
      { environments: names },
    );
  }
  const env = Object.hasOwn(config.environments, chosen) ? config.environments[chosen] : undefined;
  if (env === undefined) {
    throw new RewindError(
      'UNKNOWN_ENV',
      `unknown environment ${JSON.stringify(chosen)} (${expected})`,
      { environment: chosen, environments: names },
    );
  }
  return { name: chosen, env };
}
