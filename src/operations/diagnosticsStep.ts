/**
 * The environment's `diagnostics:` commands, run on every host before a
 * rollback switches, because they capture the broken version (seed 002's
 * diagnostic capture). All hosts and commands at once, under one bound
 * (`diagnostics_timeout`): what has not finished by then is cut and noted.
 * A failing or slow diagnostic never fails the rollback, and never delays
 * it past the bound. Output is redacted and kept in the run's report dir as
 * `diagnostics/<host>/<n>.txt`.
 */
import { join } from 'node:path';
import { redact } from '../core/redact.js';
import type { PlanStep } from '../core/plan.js';
import type { Step } from '../engine/runSteps.js';
import type { StepContext } from './stepContext.js';
import { expandArgv, type TemplateVars } from '../core/template.js';
import { releaseVars } from './releaseSteps.js';

/** What one diagnostic left: its file (relative to the report dir) and a word on how it ended. */
interface Captured {
  file: string;
  ended: string;
}

export function diagnosticsStep(step: PlanStep, ctx: StepContext): Step {
  const { deps } = ctx;
  const commands = deps.env.diagnostics;
  const bound = deps.env.diagnostics_timeout;
  return {
    name: step.title,
    run: async () => {
      const reportDir = ctx.run.reportDir;
      const snapshotting = deps.targets.filter((t) => t.driver.snapshot !== undefined);
      if (!reportDir || (commands.length === 0 && snapshotting.length === 0)) return 'no diagnostics configured now: nothing captured';
      const started = deps.clock.now().getTime();
      const snapshots = snapshotting.map(async (t): Promise<Captured> => {
        const dir = join('snapshot', hostDir(t.name));
        const written = await (t.driver.snapshot as (dir: string) => Promise<string[]>)(join(reportDir, dir));
        return { file: `${dir}/ (${written.length} files)`, ended: 'ok' };
      });
      const jobs = [...snapshots, ...deps.targets.flatMap((t) => commands.map(async (argv, i): Promise<Captured> => {
        const file = join('diagnostics', hostDir(t.name), `${i + 1}.txt`);
        // In the failed release's dir, with its placeholders: what they look at is what broke.
        const vars = await releaseVars(deps, t, ctx.leaving ?? ctx.release).catch(() => ({}) as TemplateVars);
        const expanded = expandArgv(argv, vars);
        const shown = expanded.join(' ');
        const result = await t.exec.run(expanded, { timeoutMs: bound, cwd: vars.release_dir }).catch((error: unknown) => ({
          code: -1, stdout: '', stderr: error instanceof Error ? error.message : String(error), durationMs: 0,
        }));
        const ended = result.code === 124 ? `cut at ${bound} ms` : result.code === 0 ? 'ok' : `exit ${result.code}`;
        const stderr = result.stderr ? `\n# stderr\n${result.stderr}` : '';
        const text = `$ ${shown}\n# on ${t.name}: ${ended}, ${result.durationMs} ms\n${result.stdout}${stderr}`;
        await deps.files.mkdir(join(reportDir, file, '..'));
        await deps.files.writeFileAtomic(join(reportDir, file), redact(text, deps.secrets));
        return { file, ended };
      }))];
      // One bound for all of them; a capture still running then is left to its own timeout, and noted.
      const settled = await Promise.race([
        Promise.allSettled(jobs),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), bound + 500).unref()),
      ]);
      const took = deps.clock.now().getTime() - started;
      if (settled === null) return `diagnostics cut after ${took} ms: not every one finished within ${bound} ms`;
      const done = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const failed = settled.flatMap((s) => (s.status === 'rejected' ? [`a capture failed: ${whyNot(s.reason)}`] : []));
      const notOk = [...done.filter((d) => d.ended !== 'ok').map((d) => `${d.file}: ${d.ended}`), ...failed];
      const under = [...(snapshots.length > 0 ? ['snapshot/'] : []), ...(commands.length > 0 ? ['diagnostics/'] : [])].join(' and ');
      return `${done.length} of ${jobs.length} captured in ${took} ms under ${under}${notOk.length > 0 ? `; ${notOk.join('; ')}` : ''}`;
    },
    simulate: async () => `would capture ${commands.length} diagnostics on each of ${deps.targets.length} hosts (at most ${bound} ms)`,
  };
}

function hostDir(host: string): string {
  return host.replace(/[^A-Za-z0-9._@-]/g, '_');
}

function whyNot(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
