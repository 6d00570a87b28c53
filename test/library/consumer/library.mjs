// A project that installed the rewind tarball and uses it from plain JavaScript, the way its
// README says: run by test/library/package.test.ts with the project as its working directory.
// It prints one JSON document of what it saw; the test makes the assertions.
import { createRequire } from 'node:module';
import { mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  EXIT, RewindError, applyRollback, deploy, drill, history, isRewindError, loadConfig, loadSavedPlan,
  openEnvironment, parseConfigText, planRollbackRun, selectEnvironment, status,
} from 'rewind';
import * as everything from 'rewind';

const require = createRequire(import.meta.url);
/** The packages whose CommonJS code has been loaded so far (ESM importing CommonJS goes through this cache too). */
const loaded = () => [...new Set(Object.keys(require.cache).flatMap((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []))].sort();
const HEAVY = ['better-sqlite3', 'pg', 'ssh2', 'pm2', 'commander', '@clack/prompts'];
const heavy = () => loaded().filter((name) => HEAVY.includes(name));

const facts = {};
// Importing started nothing: this script was given --help, and no command line was parsed.
facts.afterImport = { heavy: heavy(), exitCode: process.exitCode ?? null, exports: Object.keys(everything).sort() };

// Only the package's entry point is public.
facts.deepImport = await import('rewind/dist/cli/main.js').then(() => 'imported', (error) => error.code);

const cwd = process.cwd();
for (const version of ['v1', 'v2']) {
  await mkdir(join(cwd, 'build', version), { recursive: true });
  await writeFile(join(cwd, 'build', version, 'index.html'), `<h1>${version}</h1>\n`);
}
const yaml = `app: shop
environments:
  production:
    driver: releases
    releases:
      path: ./srv
      source: { dir: "./build/{version}" }
`;
facts.parsed = parseConfigText(yaml, 'rewind.yaml').environments.production.driver;
await writeFile(join(cwd, 'rewind.yaml'), yaml);

const config = await loadConfig({ cwd });
facts.selected = selectEnvironment(config).name;
try {
  selectEnvironment(config, 'nowhere');
  facts.unknownEnv = 'no error';
} catch (error) {
  facts.unknownEnv = { isRewindError: error instanceof RewindError && isRewindError(error), code: error.code, exitCode: error.exitCode, usage: EXIT.usage };
}

const events = [];
const env = await openEnvironment({ cwd, events: (event) => events.push(event.type) });
try {
  facts.afterOpen = { heavy: heavy(), app: env.app, envName: env.envName, driverKind: env.driverKind, targets: env.targets.map((t) => t.name) };

  const deploys = [];
  for (const version of ['v1', 'v2']) {
    const result = await deploy(env, { version, autoRollback: true });
    deploys.push({ ok: result.ok, version: result.release.version, status: result.release.status, runStatus: result.run.status, error: result.error?.message ?? null });
  }
  facts.deploys = deploys;

  const now = await status(env);
  facts.status = { live: now.live?.version ?? null, observed: now.observed.version, lastKnownGood: now.lastKnownGood?.version ?? null, drift: now.drift };

  const past = await history(env);
  facts.history = { releases: past.releases.map((r) => `${r.version}:${r.status}`), runs: past.runs.map((r) => `${r.kind}:${r.status}`) };

  const rehearsed = await drill(env, {});
  facts.drill = { ok: rehearsed.ok, from: rehearsed.plan.from.version, to: rehearsed.plan.to.version, logged: (await readFile(rehearsed.drillLog, 'utf8')).includes('PASS') };

  const planned = await planRollbackRun(env, { reason: 'the library test' });
  const savedPlan = JSON.parse(await readFile(planned.files.planJson, 'utf8'));
  facts.plan = {
    from: planned.plan.from.version, to: planned.plan.to.version, chosenBy: planned.plan.targetChosenBy,
    runStatus: planned.run.status, approvalRequired: planned.plan.approvalRequired, savedTo: savedPlan.to.version,
    currentBefore: await readlink(join(cwd, 'srv', 'current')),
  };

  const reloaded = await loadSavedPlan(env, { runId: planned.run.id });
  const result = await applyRollback(env, reloaded);
  facts.rollback = {
    samePlan: reloaded.planId === planned.planId, ok: result.ok, liveAfter: result.liveAfter, error: result.error?.message ?? null,
    current: await readlink(join(cwd, 'srv', 'current')), report: (await readFile(result.files.reportMd, 'utf8')).length > 0,
  };
  facts.statusAfter = (await status(env)).live?.version ?? null;
  facts.events = [...new Set(events)].sort();
  facts.afterRun = { heavy: heavy() };
} finally {
  await env.close();
}
// Nothing is left running once the environment is closed: the process ends by itself.
console.log(JSON.stringify(facts));
