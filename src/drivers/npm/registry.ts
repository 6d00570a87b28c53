/**
 * The registry's HTTP API, as much as a dist-tag needs: the packument (which
 * versions exist, their integrity, deprecations), the dist-tags, moving one,
 * and deprecating a version. The token goes in the Authorization header and
 * a one-time password in npm-otp, nowhere else.
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
  /** Mark one version deprecated, as `npm deprecate` does: the whole packument, changed, put back. */
  deprecate(version: string, message: string, otp?: string): Promise<void>;
  /** `@acme/widget on https://registry.example.com/`, for messages. */
  label: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** The registry wants a one-time password for this write (npm's EOTP): the caller may ask for one and try again. */
export function asksForOtp(error: unknown): boolean {
  return error instanceof RewindError && (error.details as { otp?: boolean } | undefined)?.otp === true;
}

export function registryClient(config: NpmConfig, env: Readonly<Record<string, string | undefined>>): Registry {
  const base = config.registry.endsWith('/') ? config.registry : `${config.registry}/`;
  const name = config.package.replace('/', '%2f');
  const label = `${config.package} on ${base}`;
  const call = async (what: string, path: string, init: RequestInit = {}, otp?: string): Promise<Response> => {
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
      const wantsOtp = /one-time pass|otp/i.test(said) || (response.headers.get('www-authenticate') ?? '').includes('OTP');
      const why = !wantsOtp ? `it refused the token in $${config.token_env}`
        : otp ? 'it refused the one-time password' : 'it asks for a one-time password: give it with --otp, or run on a terminal';
      throw new RewindError('CONFIG_INVALID', `${label}: ${what}: ${response.status}: ${why}`, {
        status: response.status, otp: wantsOtp && !otp,
      });
    }
    throw new RewindError('STEP_FAILED', `${label}: ${what}: ${response.status} ${said}`, { status: response.status });
  };
  const token = () => {
    const value = env[config.token_env];
    if (!value) {
      const message = `${label}: $${config.token_env} is not set: changing the registry needs the registry token there`;
      throw new RewindError('CONFIG_INVALID', message, { field: 'npm.token_env' });
    }
    return value;
  };
  const writing = (otp: string | undefined) => ({
    authorization: `Bearer ${token()}`, 'content-type': 'application/json', ...(otp ? { 'npm-otp': otp } : {}),
  });
  return {
    label,
    packument: async () =>
      (await (await call('reading the packument', name, { headers: { accept: 'application/json' } })).json()) as Packument,
    distTags: async () => (await (await call('reading the dist-tags', `-/package/${name}/dist-tags`)).json()) as Record<string, string>,
    setTag: async (version, otp) => {
      const path = `-/package/${name}/dist-tags/${encodeURIComponent(config.tag)}`;
      await call(`moving ${config.tag} to ${version}`, path, { method: 'PUT', headers: writing(otp), body: JSON.stringify(version) }, otp);
    },
    deprecate: async (version, message, otp) => {
      const what = `deprecating ${version}`;
      // ?write=true: the registry's own copy, with its revision, not a cached or abbreviated one.
      const read = await call(what, `${name}?write=true`, { headers: { accept: 'application/json', authorization: `Bearer ${token()}` } });
      const packument = (await read.json()) as Packument & { _attachments?: unknown };
      const entry = packument.versions[version];
      if (!entry) throw new RewindError('SOURCE_NOT_FOUND', `${label}: there is no version ${version} to deprecate`, { version });
      entry.deprecated = message;
      delete packument._attachments;
      await call(what, name, { method: 'PUT', headers: writing(otp), body: JSON.stringify(packument) }, otp);
    },
  };
}
