import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { parseDuration } from '../../src/core/configParts.js';
import { rewind } from '../helpers/cli.js';

/**
 * examples/github-actions/deploy.yml (issue 17, item 5): valid YAML shaped as a GitHub Actions
 * workflow, whose rewind commands use flags the real CLI has, whose deploy step's exit code
 * decides the job, whose reports are uploaded whatever happened, and whose every rewind command
 * the README shows.
 */

const repo = join(import.meta.dirname, '..', '..');
const workflowFile = join(repo, 'examples', 'github-actions', 'deploy.yml');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
  'continue-on-error'?: boolean;
}

/** What the workflow means to run: each `rewind` command line, `npx ` and all. */
interface RewindCommand {
  step: Step;
  line: string;
  command: string;
  flags: string[];
}

async function workflow(): Promise<{ on: any; jobs: Record<string, { steps: Step[]; 'runs-on': unknown; env?: Record<string, string> }> }> {
  const document = parseDocument(await readFile(workflowFile, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  assert.deepEqual(document.errors.map(String), [], 'deploy.yml is valid YAML');
  return document.toJS();
}

function rewindCommands(steps: Step[]): RewindCommand[] {
  return steps.flatMap((step) =>
    (step.run ?? '').split('\n').flatMap((line) => {
      const words = /(?:^|\s)npx rewind (.*)$/.exec(line.trim())?.[1]?.split(/\s+/);
      if (!words) return [];
      return [{ step, line: line.trim().replace(/^npx /, ''), command: words[0] as string, flags: words.filter((w) => w.startsWith('--')) }];
    }));
}

/** The long flags `rewind COMMAND --help` lists. */
async function helpFlags(command: string): Promise<Set<string>> {
  const help = await rewind(repo, [command, '--help']);
  assert.equal(help.code, 0, help.stderr);
  return new Set([...help.stdout.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1] as string));
}

/** What the example means deploy to take; `--watch [DURATION]` is being built beside this test. */
const DEPLOY_FLAGS = ['--env', '--watch', '--reason'];
const deployHelp = await helpFlags('deploy');
const watchSkip = deployHelp.has('--watch')
  ? false
  : 'SKIPPED LOUDLY: `rewind deploy --help` does not list --watch yet (issue 17 item 3 is being built): ' +
    "the example's --watch 5m is unchecked against the CLI";
if (watchSkip) process.stderr.write(`\n*** ${watchSkip} ***\n\n`);

test('a workflow run by hand with a version: checkout, Node 20, npm ci, deploy, then the reports whatever happened', async () => {
  const { on, jobs } = await workflow();
  assert.equal(on.workflow_dispatch.inputs.version.required, true);
  assert.deepEqual(Object.keys(jobs), ['deploy']);
  const { steps, env } = jobs.deploy as { steps: Step[]; env?: Record<string, string> };
  assert.ok(jobs.deploy?.['runs-on'], 'runs-on');
  assert.deepEqual(steps.map((s) => s.uses ?? s.run?.split(' ').slice(0, 3).join(' ')), [
    'actions/checkout@v4',
    'actions/setup-node@v4',
    'npm ci',
    'npx rewind deploy',
    'npx rewind status',
    'actions/upload-artifact@v4',
  ]);
  assert.equal(String(steps[1]?.with?.['node-version']), '20');
  const upload = steps[5] as Step;
  assert.equal(upload.if, 'always()', 'the reports are uploaded after a failed or rolled-back deploy too');
  assert.equal(upload.with?.path, '.rewind/reports/');
  // Inputs reach the shell as variables: a version pasted into a script could run as code.
  assert.equal(env?.VERSION, '${{ inputs.version }}');
  for (const step of steps) assert.doesNotMatch(step.run ?? '', /\$\{\{/, `${step.name}: no expression inside a script`);
});

test("the deploy step's exit code is rewind's, and it decides the job", async () => {
  const { jobs } = await workflow();
  const steps = (jobs.deploy as { steps: Step[] }).steps;
  const [deploy] = rewindCommands(steps).filter((c) => c.command === 'deploy');
  assert.ok(deploy, 'a rewind deploy command');
  assert.equal(deploy.step.shell, 'bash', 'bash -eo pipefail');
  assert.equal(deploy.step['continue-on-error'], undefined);
  assert.equal(deploy.step.if, undefined, 'it runs by default: on success of what came before');
  // One command: nothing after it (`|| true`, `; exit 0`, a pipe) can change its exit code.
  assert.equal((deploy.step.run ?? '').trim().split('\n').length, 1);
  assert.doesNotMatch(deploy.step.run ?? '', /[|;&]/);
  // Only the informational step may fail without failing the job.
  const lenient = steps.filter((s) => s['continue-on-error'] === true).map((s) => s.run);
  assert.deepEqual(lenient, ['npx rewind status --env "$DEPLOY_ENV"']);
});

test('every rewind command uses flags the real CLI has', async () => {
  const { jobs } = await workflow();
  const commands = rewindCommands((jobs.deploy as { steps: Step[] }).steps);
  assert.deepEqual(commands.map((c) => c.command), ['deploy', 'status']);
  for (const { command, flags, line } of commands) {
    const known = command === 'deploy' ? deployHelp : await helpFlags(command);
    const unchecked = command === 'deploy' && watchSkip ? ['--watch'] : [];
    const unknown = flags.filter((flag) => !known.has(flag) && !unchecked.includes(flag));
    assert.deepEqual(unknown, [], `${line}: flags \`rewind ${command} --help\` does not list`);
  }
  const deploy = commands.find((c) => c.command === 'deploy') as RewindCommand;
  assert.deepEqual(deploy.flags, DEPLOY_FLAGS);
  const watchFor = /--watch (\S+)/.exec(deploy.line)?.[1] as string;
  assert.equal(parseDuration(watchFor), 5 * 60_000, `--watch ${watchFor}`);
});

test('deploy --watch [DURATION] is a flag of the real CLI', { skip: watchSkip }, () => {
  assert.ok(deployHelp.has('--watch'));
});

test('the README shows every rewind command of the workflow, and links the example', async () => {
  const readme = await readFile(join(repo, 'README.md'), 'utf8');
  const { jobs } = await workflow();
  for (const { line } of rewindCommands((jobs.deploy as { steps: Step[] }).steps)) {
    assert.ok(readme.includes(line), `README.md does not show ${line}`);
  }
  assert.ok(readme.includes('](examples/github-actions/deploy.yml)'), 'README.md links the example');
});
