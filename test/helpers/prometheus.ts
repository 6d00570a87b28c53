/**
 * A private Prometheus per test file, from Debian's prometheus (2.42): on a
 * free loopback port, scraping the given loopback targets' /metrics every
 * second, its TSDB in a temp dir, stopped by its own pid before the dir goes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from '../../src/exec/freePort.js';
import { stopChild } from './stopChild.js';
import { tempDir } from './tmp.js';

export const PROMETHEUS = '/usr/bin/prometheus';

export interface Prometheus {
  /** `http://127.0.0.1:PORT`, what `watch.prometheus.url` takes. */
  url: string;
  pid: number;
  logFile: string;
  /** Stops it now (also done when the test ends). */
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** `127.0.0.1:PORT` of each app whose /metrics it scrapes. */
  targets: string[];
  /** 1000 by default: the speed benchmark's setting. */
  scrapeIntervalMs?: number;
}

/** Skip loudly without prometheus; under CI=true never skip (startPrometheus fails instead, as .ci/run installs it). */
export function prometheusSkipReason(): string | undefined {
  if (existsSync(PROMETHEUS) || process.env.CI === 'true') return undefined;
  const reason = `SKIPPED LOUDLY: ${PROMETHEUS} is missing (apt-get install prometheus); the Prometheus tests did not run`;
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  return reason;
}

export async function startPrometheus(t: TestContext, options: PrometheusOptions): Promise<Prometheus> {
  if (!existsSync(PROMETHEUS)) throw new Error(`${PROMETHEUS} is missing (apt-get install prometheus): the Prometheus tests must run`);
  let child: ChildProcess | undefined;
  const dir = await tempDir(t, 'rewind-prometheus-', async () => {
    if (child) await stopChild(child);
  });
  const logFile = join(dir, 'prometheus.log');
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, prometheusConfig(options));
  // A port found free can be taken before Prometheus binds it: try a few.
  for (let attempt = 1; ; attempt += 1) {
    const address = `127.0.0.1:${await freePort()}`;
    const log = openSync(logFile, 'a');
    const args = [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      // Nothing of the machine's own setup: no console templates, no other rule files.
      `--web.console.templates=${join(dir, 'consoles')}`,
      `--web.console.libraries=${join(dir, 'console_libraries')}`,
    ];
    child = spawn(PROMETHEUS, args, { stdio: ['ignore', log, log], detached: true, cwd: dir });
    // The child has its own copy.
    closeSync(log);
    const started = child;
    const url = `http://${address}`;
    if (await answersReady(url, started, 15_000)) {
      return { url, pid: started.pid as number, logFile, stop: () => stopChild(started, 5000) };
    }
    await stopChild(started);
    const said = await readFile(logFile, 'utf8').catch(() => '');
    if (attempt >= 3 || !/address already in use/.test(said)) {
      throw new Error(`prometheus did not start on ${address}; its log says: ${said.trim().split('\n').slice(-5).join(' | ')}`);
    }
  }
}

/** JSON is YAML: no quoting rules of our own. */
function prometheusConfig(options: PrometheusOptions): string {
  const interval = `${options.scrapeIntervalMs ?? 1000}ms`;
  return JSON.stringify({
    // A scrape timeout longer than the interval is a config error; the default (10s) would be.
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [{ job_name: 'app', metrics_path: '/metrics', static_configs: [{ targets: options.targets }] }],
  });
}

async function answersReady(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    const status = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then(
      async (response) => {
        await response.body?.cancel();
        return response.status;
      },
      () => 0,
    );
    if (status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
