import type { Exec } from '../core/ports.js';

/**
 * An Exec whose every command also gets `base` variables (the environment's
 * `env:` section); a call's own variables win over them.
 */
export function withEnv(exec: Exec, base: Readonly<Record<string, string>>): Exec {
  if (Object.keys(base).length === 0) return exec;
  return {
    run: (argv, options = {}) => exec.run(argv, { ...options, env: { ...base, ...options.env } }),
  };
}
