/**
 * The registry's HTTP API, as much as a dist-tag needs: the packument (which
 * versions exist, their integrity, deprecations), the dist-tags, and moving
 * one. The token goes in the Authorization header and nowhere else.
 */
import { RewindError } from '../../core/errors.js';
import type { NpmConfig } from './schema.js';

export interface Packument {
  versions: Record<string, { dist?: { integrity?: string }; deprecated?: string }>;
  'dist-tags'?: Record<string, string>;
}

export interface Registry {
  packument(): Promise<Packument>;
  distTags(): Promise<Record<string, string>>;
  setTag(version: string, otp?: string): Promise<void>;
  /** `@acme/widget on https://registry.example.com/`, for messages. */
  label: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

export function registryClient(config: NpmConfig, env: NodeJS.ProcessEnv): Registry {
  const base = config.registry.endsWith('/') ? config.registry : `${config.registry}/`;
  const name = config.package.replace('/', '%2f');
  const label = `${config.package} on ${base}`;
  const call = async (what: string, path: string, init: RequestInit = {}): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new RewindError('HOST_UNREACHABLE', `${label}: the registry does not answer (${what}: ${cause})`, { registry: base });
    }
    if (response.ok) return response;
    const said = (await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
    if (response.status === 404) throw new RewindError('SOURCE_NOT_FOUND', `${label}: the registry has no such package (${what}: 404)`);
    if (response.status === 401 || response.status === 403) {
      const otp = /one-time pass|otp/i.test(said) || (response.headers.get('www-authenticate') ?? '').includes('OTP');
      const why = otp ? 'it asks for a one-time password' : `it refused the token in $${config.token_env}`;
      throw new RewindError('CONFIG_INVALID', `${label}: ${what}: ${response.status}: ${why}`, { status: response.status });
    }
    throw new RewindError('STEP_FAILED', `${label}: ${what}: ${response.status} ${said}`, { status: response.status });
  };
  const token = () => {
    const value = env[config.token_env];
    if (!value) {
      const message = `${label}: $${config.token_env} is not set: moving a dist-tag needs the registry token there`;
      throw new RewindError('CONFIG_INVALID', message, { field: 'npm.token_env' });
    }
    return value;
  };
  return {
    label,
    packument: async () =>
      (await (await call('reading the packument', name, { headers: { accept: 'application/json' } })).json()) as Packument,
    distTags: async () => (await (await call('reading the dist-tags', `-/package/${name}/dist-tags`)).json()) as Record<string, string>,
    setTag: async (version, otp) => {
      await call(`moving ${config.tag} to ${version}`, `-/package/${name}/dist-tags/${encodeURIComponent(config.tag)}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json', ...(otp ? { 'npm-otp': otp } : {}) },
        body: JSON.stringify(version),
      });
    },
  };
}
