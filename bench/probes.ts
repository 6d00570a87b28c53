import { join } from 'node:path';
import { openSshHost } from '../src/exec/ssh/connect.js';
import { parseSshHost } from '../src/exec/ssh/target.js';
import type { Sshd } from '../test/helpers/sshd.js';
import { REPO, runProcess } from './cli.js';
import type { BenchFleet } from './fleet.js';
import { median } from './stats.js';
import { SANDBOX_EXTRA_CA_CERTS, sandboxCaEnv } from './userEnv.js';

/** What the pieces of a rollback cost on their own (median ms of a few runs each). */
export interface Probes {
  nodeStart: number;
  /** `node -e 0` with the sandbox's NODE_EXTRA_CA_CERTS (userEnv.ts); undefined when it is not set. */
  nodeStartWithCa: number | undefined;
  rewindVersion: number;
  opensshTrue: number;
  /** `ssh host true` over an already open connection (OpenSSH ControlMaster): what one more session costs. */
  opensshSession: number;
  ssh2Connect: number;
  ssh2Exec: number;
  pm2Reload: number;
}

const node = process.execPath;
const pm2 = join(REPO, 'node_modules', 'pm2', 'bin', 'pm2');

async function timeOf(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const run = await runProcess(argv, { env, timeoutMs: 30_000 });
  if (run.code !== 0) throw new Error(`bench: ${argv.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run.endedAt - run.startedAt;
}

async function repeat(times: number, fn: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < times; i += 1) values.push(await fn());
  return median(values);
}

/** Run with v2 live on the first host: the pm2 reload probe reloads it in place. */
export async function probes(bf: BenchFleet): Promise<Probes> {
  const sshd = bf.fleet.sshds[0] as Sshd;
  const knownHosts = join(bf.root, 'known_hosts');
  const ssh2 = async (): Promise<{ connect: number; exec: number }> => {
    const host = await openSshHost(parseSshHost(sshd.url), { identityFile: sshd.identityFile, knownHostsFile: knownHosts, strictHostKeys: true, connectTimeoutMs: 10_000 });
    try {
      const started = performance.now();
      await host.exec.run(['true']);
      return { connect: host.connectMs, exec: performance.now() - started };
    } finally {
      await host.close();
    }
  };
  const ssh2Runs = [await ssh2(), await ssh2(), await ssh2()];
  const sshArgs = ['-F', 'none', '-i', sshd.identityFile, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-p', String(sshd.port)];
  const login = `${sshd.user}@${sshd.host}`;
  const mux = ['-o', 'ControlMaster=auto', '-o', `ControlPath=${join(bf.root, 'ssh-mux')}`, '-o', 'ControlPersist=10'];
  await timeOf(['ssh', ...sshArgs, ...mux, login, 'true']);
  const opensshSession = await repeat(5, () => timeOf(['ssh', ...sshArgs, ...mux, login, 'true'])).finally(() => runProcess(['ssh', ...sshArgs, ...mux, '-O', 'exit', login], { timeoutMs: 10_000 }));
  return {
    opensshSession,
    nodeStart: await repeat(5, () => timeOf([node, '-e', '0'])),
    nodeStartWithCa: SANDBOX_EXTRA_CA_CERTS === undefined ? undefined : await repeat(5, () => timeOf([node, '-e', '0'], sandboxCaEnv())),
    rewindVersion: await repeat(5, () => timeOf([node, join(REPO, 'bin', 'rewind.js'), '--version'])),
    opensshTrue: await repeat(5, () => timeOf(['ssh', ...sshArgs, login, 'true'])),
    ssh2Connect: median(ssh2Runs.map((r) => r.connect)),
    ssh2Exec: median(ssh2Runs.map((r) => r.exec)),
    pm2Reload: await repeat(3, () => timeOf([node, pm2, 'reload', 'demo-shop'], { PM2_HOME: join(bf.root, `pm2-${bf.fleet.addresses[0]}`) })),
  };
}
