/**
 * The `npm` driver: a library's "deployment" is what its dist-tag points
 * at. A deploy moves the tag to a version that exists and is not deprecated,
 * and the release records that version's dist.integrity; a rollback moves it
 * back; verification re-reads the dist-tags until the registry shows the tag
 * moved (registries replicate) and checks the integrity is the recorded one.
 */
import type { Driver } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { assertSafeName, isSafeName } from '../../core/names.js';
import { join } from 'node:path';
import type { Clock, Files } from '../../core/ports.js';
import { asksForOtp, type Registry } from './registry.js';
import type { NpmConfig } from './schema.js';

export interface NpmContext {
  config: NpmConfig;
  registry: Registry;
  /** This machine's files: the snapshot goes to the run's report dir. */
  files: Files;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  /** DriverIo.oneTimePassword: asked only when the registry wants one for a write. */
  oneTimePassword?: (why: string) => Promise<string | undefined>;
}

const POLL_MS = 250;

/** What the ledger keeps: `@acme/widget@1.2.0 sha512-...`. */
function artifactOf(ctx: NpmContext, version: string, integrity: string | undefined): string {
  return `${ctx.config.package}@${version} ${integrity ?? 'no-integrity'}`;
}

function integrityIn(artifact: string | null | undefined): string | null {
  const integrity = artifact?.split(' ')[1];
  return integrity && integrity !== 'no-integrity' ? integrity : null;
}

/**
 * A write as npm does it (otplease): tried without a one-time password, and
 * when the registry asks for one, tried once more with the code the operator
 * gives; without a code the registry's refusal stands, saying how to give one.
 */
async function withOtp(ctx: NpmContext, why: string, write: (otp?: string) => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!asksForOtp(error) || !ctx.oneTimePassword) throw error;
    const otp = await ctx.oneTimePassword(`${ctx.registry.label}: ${why}`);
    if (otp === undefined) throw error;
    await write(otp);
  }
}

export function createNpmDriver(ctx: NpmContext): Driver {
  const { registry, config } = ctx;
  const versionIn = async (version: string) => {
    const packument = await registry.packument();
    return packument.versions[version];
  };
  return {
    kind: 'npm',

    async inspect() {
      const tags = await registry.distTags();
      const shown = Object.entries(tags).map(([tag, v]) => `${tag}=${v}`).join(', ');
      const version = tags[config.tag] ?? null;
      const unusable = version !== null && !isSafeName(version);
      const problems = unusable ? [`${config.tag} points at ${version}, not a usable version name`] : [];
      return { version, artifact: `dist-tags of ${config.package}: ${shown || 'none'}`, problems };
    },

    async prepare(version) {
      assertSafeName(version, 'version');
      const found = await versionIn(version);
      if (!found) {
        const message = `${registry.label}: there is no version ${version} to move ${config.tag} to`;
        throw new RewindError('SOURCE_NOT_FOUND', message, { version });
      }
      if (found.deprecated) {
        const message = `${registry.label}: ${version} is deprecated (${found.deprecated}): ${config.tag} is not moved to it`;
        throw new RewindError('BUILD_FAILED', message);
      }
      return { version, sha: null, artifact: artifactOf(ctx, version, found.dist?.integrity), reused: true };
    },

    async isPresent(version, artifact) {
      if (!isSafeName(version)) return false;
      const found = await versionIn(version);
      const recorded = integrityIn(artifact);
      if (found && recorded && found.dist?.integrity !== recorded) {
        throw new RewindError('TARGET_GONE', `${registry.label}: ${version}'s integrity is ${found.dist?.integrity ?? 'gone'}, not ` +
          `${recorded} as when it was verified: the registry holds another tarball under that version; choose another target with --to`);
      }
      return found !== undefined && !found.deprecated;
    },

    async activate(version) {
      assertSafeName(version, 'version');
      const before = (await registry.distTags())[config.tag];
      if (before === version) return `${config.tag} already points at ${version}`;
      await withOtp(ctx, `moving ${config.tag} to ${version}`, (otp) => registry.setTag(version, otp));
      return `${config.tag}: ${before ?? 'nothing'} -> ${version}`;
    },

    async describeActivate(version) {
      return `would move ${config.tag} of ${config.package} to ${version}`;
    },

    async confirmRunning(version, artifact) {
      const deadline = ctx.clock.now().getTime() + config.timeout;
      let seen: string | undefined;
      for (;;) {
        seen = (await registry.distTags())[config.tag];
        if (seen === version) break;
        if (ctx.clock.now().getTime() >= deadline) {
          throw new RewindError('VERIFY_FAILED', `${registry.label}: ${config.tag} still points at ${seen ?? 'nothing'}, not ${version}, ` +
            `after ${Math.round(config.timeout / 1000)}s`);
        }
        await ctx.sleep(POLL_MS);
      }
      const recorded = integrityIn(artifact);
      const integrity = (await versionIn(version))?.dist?.integrity;
      if (recorded && integrity !== recorded) {
        const message = `${registry.label}: ${version}'s integrity is ${integrity ?? 'gone'}, not the recorded ${recorded}`;
        throw new RewindError('VERIFY_FAILED', message);
      }
      return `${config.tag} points at ${version}${integrity ? ` (${integrity.slice(0, 20)}...)` : ''}`;
    },

    async snapshot(dir) {
      const file = join(dir, 'npm-dist-tags.json');
      await ctx.files.mkdir(dir);
      const tags = await registry.distTags();
      await ctx.files.writeFileAtomic(file, `${JSON.stringify({ package: config.package, 'dist-tags': tags }, null, 2)}\n`);
      return [file];
    },

    async deprecate(version, message) {
      assertSafeName(version, 'version');
      await withOtp(ctx, `deprecating ${version}`, (otp) => registry.deprecate(version, message, otp));
      const said = (await versionIn(version))?.deprecated;
      if (said !== message) {
        throw new RewindError('STEP_FAILED', `${registry.label}: ${version} was deprecated but the registry shows ${
          said === undefined ? 'no deprecation' : JSON.stringify(said)}`);
      }
      return `${config.package}@${version} deprecated: ${JSON.stringify(message)}`;
    },

    // Published versions are the registry's; rewind removes nothing there.
    prune: async () => [],

    vars: async () => ({}),
  };
}
