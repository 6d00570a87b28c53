import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { RunEvent } from '../../src/core/events.js';
import type { CliIO, GlobalOptions } from '../../src/cli/io.js';
import { progressView } from '../../src/cli/views/progress.js';

interface FakeStream extends Writable {
  text(): string;
}

function stream(tty: boolean, columns = 80): FakeStream {
  const chunks: string[] = [];
  const writable = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  if (tty) Object.assign(writable, { isTTY: true, columns });
  return Object.assign(writable, { text: () => chunks.join('') });
}

function fakeIo(tty: boolean, env: NodeJS.ProcessEnv = {}, columns = 80): { io: CliIO; stdout: FakeStream; stderr: FakeStream } {
  const stdout = stream(tty, columns);
  const stderr = stream(tty, columns);
  return { io: { cwd: '/', env, stdout, stderr, interactive: tty, stderrIsTTY: tty, exitCode: 0 }, stdout, stderr };
}

const globals = (overrides: Partial<GlobalOptions> = {}): GlobalOptions => ({ json: false, quiet: false, verbose: false, ...overrides });

const RUN: RunEvent[] = [
  { type: 'run.started', runId: 'run-1', kind: 'rollback', title: 'roll production back from v2 to v1' },
  { type: 'step.started', runId: 'run-1', index: 0, name: 'lock' },
  { type: 'step.finished', runId: 'run-1', index: 0, name: 'lock', ok: true, durationMs: 12, detail: '' },
  { type: 'step.started', runId: 'run-1', index: 1, name: 'switch' },
  { type: 'note', text: 'current -> releases/v1' },
  { type: 'step.finished', runId: 'run-1', index: 1, name: 'switch', ok: true, durationMs: 1234, detail: 'current -> releases/v1' },
  { type: 'step.started', runId: 'run-1', index: 2, name: 'verify health' },
  { type: 'step.finished', runId: 'run-1', index: 2, name: 'verify health', ok: false, durationMs: 4000, detail: 'status 503' },
];

const strip = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

test('without a terminal: one plain line per finished step, exactly as before', () => {
  const { io, stdout, stderr } = fakeIo(false);
  const view = progressView(io, globals());
  for (const event of RUN) view(event);
  view.close();
  assert.equal(stdout.text(), '');
  assert.equal(stderr.text(), [
    'roll production back from v2 to v1 (run run-1)',
    '  ok lock (0.01s)',
    '  current -> releases/v1',
    '  ok switch (1.23s): current -> releases/v1',
    '  FAILED verify health (4.00s): status 503',
    '',
  ].join('\n'));
});

test('without a terminal, --verbose also says when a step starts', () => {
  const { io, stderr } = fakeIo(false);
  const view = progressView(io, globals({ verbose: true }));
  for (const event of RUN.slice(0, 3)) view(event);
  assert.equal(stderr.text(), 'roll production back from v2 to v1 (run run-1)\n  ... lock\n  ok lock (0.01s)\n');
});

test('--json and --quiet print nothing, with or without a terminal; --json --verbose shows progress on stderr', () => {
  for (const tty of [false, true]) {
    for (const flags of [{ json: true }, { quiet: true }, { json: true, quiet: true }]) {
      const { io, stdout, stderr } = fakeIo(tty);
      const view = progressView(io, globals(flags));
      for (const event of RUN) view(event);
      view.close();
      assert.equal(stdout.text() + stderr.text(), '', `${JSON.stringify(flags)} tty=${tty}`);
    }
  }
  const { io, stdout, stderr } = fakeIo(false);
  const view = progressView(io, globals({ json: true, verbose: true }));
  for (const event of RUN) view(event);
  assert.equal(stdout.text(), '');
  assert.match(stderr.text(), /ok switch/);
});

test('on a terminal: a step list with a spinner while a step runs, then a tick or a cross and its timing', () => {
  let clock = 1_000;
  const { io, stdout, stderr } = fakeIo(true);
  const view = progressView(io, globals(), { now: () => clock });
  view(RUN[0]!);
  view(RUN[1]!);
  const running = strip(stderr.text());
  assert.match(running, /roll production back from v2 to v1/);
  assert.match(running, /[\u2800-\u28ff] lock 0\.0s\n$/, 'the running step shows a spinner and its elapsed time');
  clock += 12;
  for (const event of RUN.slice(2)) view(event);
  view.close();

  const out = stderr.text();
  assert.equal(stdout.text(), '');
  assert.match(out, /\x1b\[\d+A/, 'the live area is redrawn in place');
  const screen = strip(out);
  assert.match(screen, /\u2714 lock \(0\.01s\)/);
  assert.match(screen, /\u2714 switch \(1\.23s\): current -> releases\/v1/);
  assert.match(screen, /\u2716 verify health \(4\.00s\): status 503/);
  assert.match(screen, /current -> releases\/v1\n/);
  assert.doesNotMatch(screen, /\bok lock|FAILED/);
  assert.ok(out.includes('\x1b[32m\u2714'), 'ticks are green');
});

test('on a terminal: NO_COLOR drops colour, long names are cut to the width, close() leaves an unfinished step marked', () => {
  let clock = 0;
  const { io, stderr } = fakeIo(true, { NO_COLOR: '1' }, 30);
  const view = progressView(io, globals(), { now: () => clock });
  view({ type: 'step.started', runId: 'r', index: 0, name: 'a step with a very long name indeed' });
  clock = 2_500;
  view.close();
  view.close();
  const out = stderr.text();
  assert.doesNotMatch(out, /\x1b\[\d+m/);
  const firstLine = out.split('\n')[0] as string;
  assert.ok(firstLine.length <= 29, firstLine);
  assert.match(firstLine, /\u2026 0\.0s$/);
  assert.match(strip(out), /- a step with a very long name indeed \(2\.50s, unfinished\)\n$/);
});

test('on a terminal: the spinner turns and the timer stops once no step is running', async () => {
  const { io, stderr } = fakeIo(true, { NO_COLOR: '1' });
  const view = progressView(io, globals());
  view({ type: 'step.started', runId: 'r', index: 0, name: 'wait' });
  await new Promise((resolve) => setTimeout(resolve, 250));
  const frames = new Set(strip(stderr.text()).match(/[\u2800-\u28ff]/g));
  assert.ok(frames.size >= 2, `spinner frames seen: ${[...frames].join('')}`);
  view({ type: 'step.finished', runId: 'r', index: 0, name: 'wait', ok: true, durationMs: 250, detail: '' });
  const settled = stderr.text().length;
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(stderr.text().length, settled);
});

test('a note marked verbose (how a host is reached) is shown under --verbose only, with or without a terminal', () => {
  const detail: RunEvent = { type: 'note', text: 'root@web1:22: no SFTP subsystem; files go over exec channels', verbose: true };
  for (const tty of [false, true]) {
    for (const verbose of [false, true]) {
      const { io, stderr } = fakeIo(tty);
      const view = progressView(io, globals({ verbose }));
      view({ type: 'note', text: 'plain note' });
      view(detail);
      view.close();
      const shown = strip(stderr.text());
      assert.ok(shown.includes('plain note'), shown);
      assert.equal(shown.includes('no SFTP subsystem'), verbose, `tty=${tty} verbose=${verbose}: ${shown}`);
    }
  }
});
