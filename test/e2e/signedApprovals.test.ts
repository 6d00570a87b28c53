import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { approvalMessage, sshSignatureInfo } from '../../src/core/approvalSignature.js';
import { rewind, type CliRun } from '../helpers/cli.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);

/**
 * Signed approvals against the real OpenSSH: keys made by ssh-keygen here,
 * signatures checked again by `ssh-keygen -Y verify` outside rewind, and an
 * ssh-agent started (and stopped) by the test. The project rolls back on
 * the releases driver from plain directories: v3 live, v2 last known good.
 */
interface Project {
  dir: string;
  keys: string;
  cli: (args: string[], user?: string, env?: NodeJS.ProcessEnv) => Promise<CliRun>;
  current: () => Promise<string>;
  audit: () => Promise<any[]>;
  /** A gated rollback, waiting for approval: its run id and plan id. */
  gated: () => Promise<{ runId: string; planId: string }>;
}

async function key(dir: string, name: string, type = 'ed25519', passphrase = ''): Promise<string> {
  const path = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', name, '-f', path]);
  return path;
}

async function allowedLine(identity: string, keyFile: string): Promise<string> {
  const [type, blob] = (await readFile(`${keyFile}.pub`, 'utf8')).split(' ');
  return `${identity} ${type} ${blob}`;
}

async function project(t: TestContext): Promise<Project> {
  const dir = await tempDir(t, 'rewind-signed-');
  const keys = join(dir, 'keys');
  await mkdir(keys);
  const boss = await key(keys, 'boss');
  const ops = await key(keys, 'ops', 'ecdsa');
  const tester = await key(keys, 'tester');
  await key(keys, 'eve');
  await writeFile(join(dir, 'allowed_signers'), `${[
    await allowedLine('boss@example.com', boss),
    await allowedLine('ops@example.com', ops),
    await allowedLine('tester@example.com', tester),
  ].join('\n')}\n`);
  await writeFile(join(dir, 'rewind.yaml'), MINIMAL_CONFIG);
  const cli = (args: string[], user = 'tester@example.com', env: NodeJS.ProcessEnv = {}) => rewind(dir, args, { REWIND_USER: user, ...env });
  for (const version of ['v1', 'v2', 'v3']) {
    await mkdir(join(dir, 'build', version), { recursive: true });
    await writeFile(join(dir, 'build', version, 'app.txt'), `${version}\n`);
    assert.equal((await cli(['deploy', version])).code, 0);
  }
  await writeFile(join(dir, 'rewind.yaml'), `${MINIMAL_CONFIG}    approval:
      required_for: all
      approvers: [boss@example.com, ops@example.com, tester@example.com]
      allowed_signers: ./allowed_signers
`);
  const project: Project = {
    dir,
    keys,
    cli,
    current: async () => (await readFile(join(dir, 'srv', 'current', 'app.txt'), 'utf8')).trim(),
    audit: async () => (await cli(['audit', 'export'])).stdout.trim().split('\n').map((line) => JSON.parse(line)),
    gated: async () => {
      const gated = await cli(['rollback', '--apply', '--yes', '--json']);
      assert.equal(gated.code, 3, gated.stderr);
      const runId = gated.json().run_id as string;
      const planned = JSON.parse(await readFile(join(dir, '.rewind', 'reports', 'rollbacks', runId, 'plan.json'), 'utf8'));
      return { runId, planId: planned.plan_id };
    },
  };
  return project;
}

function oneLine(result: CliRun, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${result.stderr}`);
  assert.match(lines[0] as string, pattern);
}

async function fingerprint(keyFile: string): Promise<string> {
  return (await run('ssh-keygen', ['-l', '-f', `${keyFile}.pub`])).stdout.split(' ')[1] as string;
}

test('unsigned or signed by a key not on the list: refused, the run keeps waiting; a valid signature counts and the run proceeds', async (t) => {
  const p = await project(t);
  const { runId, planId } = await p.gated();
  const waiting = async () => assert.equal((await p.cli(['history', '--json'])).json().runs[0].status, 'awaiting_approval');

  const unsigned = await p.cli(['approve', runId, '--apply'], 'boss@example.com');
  assert.equal(unsigned.code, 3);
  oneLine(unsigned, new RegExp(`^rewind: cannot approve ${runId} unsigned: approval\\.allowed_signers is set, so only a signed approval counts: ` +
    `\`rewind approve ${runId} --key ~/\\.ssh/id_ed25519\``));
  await waiting();

  const eve = await p.cli(['approve', runId, '--key', join(p.keys, 'eve')], 'boss@example.com');
  assert.equal(eve.code, 2);
  oneLine(eve, new RegExp(`^rewind: cannot approve ${runId}: the signature by ssh-ed25519 ${escape(await fingerprint(join(p.keys, 'eve')))} ` +
    `does not verify for boss@example\\.com: that key is not listed in ${escape(join(p.dir, 'allowed_signers'))}$`));
  const borrowed = await p.cli(['approve', runId, '--key', join(p.keys, 'ops')], 'boss@example.com');
  assert.equal(borrowed.code, 2);
  oneLine(borrowed, /that key is listed in \S+ for ops@example\.com, not for boss@example\.com$/);
  const self = await p.cli(['approve', runId, '--key', join(p.keys, 'tester')]);
  assert.equal(self.code, 2);
  oneLine(self, /tester@example\.com asked for this run and cannot approve it too/);
  await waiting();
  assert.equal(await p.current(), 'v3', 'nothing was touched');

  const approved = await p.cli(['approve', runId, '--key', join(p.keys, 'boss'), '--apply', '--json'], 'boss@example.com');
  assert.equal(approved.code, 0, approved.stderr);
  assert.equal(await p.current(), 'v2');
  const bossKey = `ssh-ed25519 ${await fingerprint(join(p.keys, 'boss'))}`;
  const report = await readFile(approved.json().files.report_md, 'utf8');
  assert.match(report, new RegExp(`^- approved by: boss@example\\.com \\(signed with ${escape(bossKey)}\\)$`, 'm'));
  assert.equal(JSON.parse(await readFile(approved.json().files.summary_json, 'utf8')).approved_by, `boss@example.com (signed with ${bossKey})`);

  // The audit log holds the signature; OpenSSH itself, outside rewind, says it is boss's, over this run and plan.
  const audit = await p.audit();
  const granted = audit.filter((e) => e.action === 'approval.granted' && e.run_id === runId);
  assert.equal(granted.length, 1);
  assert.equal(granted[0].detail.identity, 'boss@example.com');
  assert.equal(granted[0].detail.key, bossKey);
  assert.equal(granted[0].detail.plan_id, planId);
  assert.equal(sshSignatureInfo(granted[0].detail.signature)?.namespace, 'rewind-approval');
  const message = approvalMessage({ app: 'shop', env: 'production', runId, planId });
  assert.match(await sshVerify(p, granted[0].detail.signature, 'boss@example.com', message), /^Good "rewind-approval" signature for boss@example\.com/);
  await assert.rejects(sshVerify(p, granted[0].detail.signature, 'boss@example.com', message.replace(runId, 'rollback-other')));
  const refused = audit.filter((e) => e.action === 'approval.refused' && e.run_id === runId);
  assert.deepEqual(refused.map((e) => e.actor), ['boss@example.com', 'boss@example.com', 'boss@example.com', 'tester@example.com']);
  assert.ok(audit.some((e) => e.action === 'approval.verified' && e.detail.identity === 'boss@example.com' && e.detail.key === bossKey));
  assert.equal((await p.cli(['audit', 'verify'])).code, 0);
  assert.deepEqual(await readdir(join(p.dir, '.rewind', 'signing')), [], 'no scratch file is left');
});

test('a signature made by ssh-keygen -Y sign outside rewind counts the same, for its own run only; --auto-approve does not', async (t) => {
  const p = await project(t);
  const auto = await p.cli(['rollback', '--apply', '--yes', '--auto-approve', '--json']);
  assert.equal(auto.code, 3);
  assert.equal(auto.json().error.code, 'APPROVAL_UNSIGNED');
  assert.match(auto.json().error.message, /\(--auto-approve does not count when approvals must be signed\): `rewind approve \S+ --key KEY --apply`/);
  assert.equal(await p.current(), 'v3');

  // Signed by hand, and put in the audit log as `rewind approve` records it: the gate checks it by the same rules.
  const first = await p.gated();
  const signature = await signByHand(p, 'ops', first);
  const info = sshSignatureInfo(signature);
  assert.equal(info?.fingerprint, await fingerprint(join(p.keys, 'ops')));
  assert.equal(info?.keyType, 'ecdsa-sha2-nistp256');
  const second = await p.gated();
  insertApproval(p, second.runId, 'ops@example.com', signature, second.planId);
  const replayed = await p.cli(['resume', second.runId]);
  assert.equal(replayed.code, 3, 'a signature over another run does not count');
  oneLine(replayed, /no longer verifies: it is not a signature of this run and plan/);
  assert.equal(await p.current(), 'v3');

  insertApproval(p, second.runId, 'ops@example.com', await signByHand(p, 'ops', second), second.planId);
  const carried = await p.cli(['resume', second.runId, '--json']);
  assert.equal(carried.code, 0, carried.stderr);
  assert.equal(await p.current(), 'v2');
  assert.match(carried.json().run.approved_by, /^ops@example\.com \(signed with ecdsa-sha2-nistp256 SHA256:/);
});

test('an approval stops counting when its key leaves allowed_signers; unsigned ones from before never count; ssh-agent signs', async (t) => {
  const p = await project(t);
  const { runId } = await p.gated();
  assert.equal((await p.cli(['approve', runId, '--key', join(p.keys, 'boss')], 'boss@example.com')).code, 0);
  const allowed = join(p.dir, 'allowed_signers');
  const lines = (await readFile(allowed, 'utf8')).split('\n');
  await writeFile(allowed, lines.filter((line) => !line.startsWith('boss@')).join('\n'));
  const revoked = await p.cli(['resume', runId]);
  assert.equal(revoked.code, 3);
  oneLine(revoked, /the approval signed by boss@example\.com \(ssh-ed25519 SHA256:\S+\) no longer verifies: that key is not listed in /);
  assert.equal(await p.current(), 'v3');
  await writeFile(allowed, lines.join('\n'));

  // Approved while approvals were not signed: once allowed_signers is set, that approval is not enough.
  const config = await readFile(join(p.dir, 'rewind.yaml'), 'utf8');
  await writeFile(join(p.dir, 'rewind.yaml'), config.replace('      allowed_signers: ./allowed_signers\n', ''));
  const second = await p.gated();
  assert.equal((await p.cli(['approve', second.runId], 'ops@example.com')).code, 0);
  await writeFile(join(p.dir, 'rewind.yaml'), config);
  const stale = await p.cli(['resume', second.runId]);
  assert.equal(stale.code, 3);
  oneLine(stale, /\(the approval by ops@example\.com is not signed\)/);

  // The private key in ssh-agent, only the .pub on disk: the agent signs.
  const agent = await startAgent(t, p.dir);
  await run('ssh-add', ['-q', join(p.keys, 'ops')], { env: { ...process.env, SSH_AUTH_SOCK: agent } });
  await rename(join(p.keys, 'ops'), join(p.keys, 'ops.elsewhere'));
  const noAgent = await p.cli(['approve', second.runId, '--key', `${join(p.keys, 'ops')}.pub`], 'ops@example.com', { SSH_AUTH_SOCK: '' });
  assert.equal(noAgent.code, 2, 'without the agent a public key cannot sign');
  const viaAgent = await p.cli(['approve', second.runId, '--key', `${join(p.keys, 'ops')}.pub`, '--apply'], 'ops@example.com', { SSH_AUTH_SOCK: agent });
  assert.equal(viaAgent.code, 0, viaAgent.stderr);
  assert.equal(await p.current(), 'v2');
});

test('a key that cannot be used, or no allowed_signers file: one line, exit 2, nothing approved', async (t) => {
  const p = await project(t);
  const { runId } = await p.gated();
  const locked = await key(p.keys, 'locked', 'ed25519', 'a passphrase nobody types');
  await writeFile(join(p.dir, 'allowed_signers'), `${await readFile(join(p.dir, 'allowed_signers'), 'utf8')}${await allowedLine('boss@example.com', locked)}\n`);
  const noTerminal = await p.cli(['approve', runId, '--key', locked], 'boss@example.com');
  assert.equal(noTerminal.code, 2);
  oneLine(noTerminal, new RegExp(`^rewind: could not sign with --key ${escape(locked)}: `));
  const missing = await p.cli(['approve', runId, '--key', join(p.keys, 'nope')], 'boss@example.com');
  assert.equal(missing.code, 2);
  oneLine(missing, /could not sign with --key \S+nope: .*No such file or directory/);
  await writeFile(join(p.dir, 'rewind.yaml'), (await readFile(join(p.dir, 'rewind.yaml'), 'utf8')).replace('./allowed_signers', './gone'));
  const gone = await p.cli(['approve', runId, '--key', join(p.keys, 'boss')], 'boss@example.com');
  assert.equal(gone.code, 2);
  oneLine(gone, /^rewind: approval\.allowed_signers: cannot read \S+\/gone$/);
  assert.equal((await p.cli(['history', '--json'])).json().runs[0].approved_by, null);
  assert.equal(existsSync(join(p.dir, '.rewind', 'signing')) ? (await readdir(join(p.dir, '.rewind', 'signing'))).length : 0, 0);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

async function sshVerify(p: Project, signature: string, identity: string, message: string): Promise<string> {
  const sigFile = join(p.dir, 'check.sig');
  await writeFile(sigFile, signature);
  return new Promise((resolve, reject) => {
    const child = spawn('ssh-keygen', ['-Y', 'verify', '-f', join(p.dir, 'allowed_signers'), '-I', identity, '-n', 'rewind-approval', '-s', sigFile]);
    let out = '';
    child.stdout.on('data', (chunk) => { out += String(chunk); });
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`ssh-keygen -Y verify exited ${code}: ${out}`))));
    child.stdin.end(message);
  });
}

/** `ssh-keygen -Y sign`, run by the test, over the message of `subject`'s approval. */
async function signByHand(p: Project, keyName: string, subject: { runId: string; planId: string }): Promise<string> {
  const messageFile = join(p.dir, `message-${subject.runId}.txt`);
  await writeFile(messageFile, approvalMessage({ app: 'shop', env: 'production', ...subject }));
  await run('ssh-keygen', ['-Y', 'sign', '-f', join(p.keys, keyName), '-n', 'rewind-approval', messageFile]);
  return readFile(`${messageFile}.sig`, 'utf8');
}

/** Record a signed approval of `runId` in the audit log as `rewind approve` would (the gate reads it from there). */
function insertApproval(p: Project, runId: string, identity: string, signature: string, planId: string): void {
  const info = sshSignatureInfo(signature);
  const detail = { by: identity, identity, key: `${info?.keyType} ${info?.fingerprint}`, signature, namespace: 'rewind-approval', plan_id: planId };
  const db = new Database(join(p.dir, '.rewind', 'ledger.sqlite'));
  try {
    const { seq } = db.prepare('SELECT max(seq) AS seq FROM audit').get() as { seq: number };
    db.prepare('INSERT INTO audit (seq, at, actor, action, app, env, run_id, outcome, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(seq + 1, new Date().toISOString(), identity, 'approval.granted', 'shop', 'production', runId, 'approved',
        JSON.stringify(detail), 'x'.repeat(64), 'y'.repeat(64));
  } finally {
    db.close();
  }
}

/** An ssh-agent of this test's own on a socket in its temp dir, stopped by pid when the test ends. */
async function startAgent(t: TestContext, dir: string): Promise<string> {
  const socket = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  t.after(() => {
    if (agent.exitCode === null) agent.kill('SIGTERM');
  });
  for (let tries = 0; tries < 100 && !existsSync(socket); tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(existsSync(socket), 'ssh-agent did not start');
  return socket;
}
