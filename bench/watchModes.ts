/**
 * The two signals `bench:watch` breaks at T0, each with the rewind.yaml
 * watch: section that reads it: (a) a gauge that Debian's Prometheus scrapes
 * every second, read by an instant query; (b) rewind's own error_rate sampler
 * on an HTTP server of the benchmark's. Both use the test helpers' servers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFlakyServer } from '../test/helpers/flakyServer.js';
import { startMetricsApp } from '../test/helpers/metricsApp.js';
import { startPrometheus } from '../test/helpers/prometheus.js';

export interface WatchMode {
  name: string;
  /** What is watched, for the printout. */
  label: string;
  /** The environment's watch: section, as YAML lines indented by 4 spaces. */
  watchLines: string[];
  /** What the config alone costs before a decision can fall: the `for` window... */
  floorMs: number;
  /** ...plus, for (a), up to one scrape interval until Prometheus has the new value (0 for (b)). */
  scrapeMs: number;
  /** Back to 0% errors, and seen so by whatever the watch reads. */
  calm(): Promise<void>;
  /** T0: the error rate jumps from 0% to 50%. */
  breach(): void;
  /** Where its daemons run from (a process left there after the cleanup is a leak). */
  dirs: string[];
}

const FOR = '2s';
const FOR_MS = 2000;
const SCRAPE_MS = 1000;

/**
 * One tick every 250 ms, not the README's 10 s: the watch sees a change only
 * at its next reading, so the interval adds up to itself to every figure
 * (10 s alone would miss the 5 s goal), and 250 ms is a quarter of the scrape
 * interval, so a new sample is read soon after Prometheus has it. A query
 * over loopback costs a few ms: four a second cost Prometheus nothing. For
 * error_rate the interval is also the sampler's window: 2-3 requests (one
 * every 100 ms), of which at 50% at least one fails, so every reading from
 * T0 on is at least 0.33, above 0.2.
 */
const INTERVAL = '250ms';

function watchSection(extra: string[], condition: string): string[] {
  const tier1 = ['  - tier: 1', '    action: rollback', '    when:', `      - ${condition}`];
  const lines = ['for: 2m', `interval: ${INTERVAL}`, ...extra, 'tiers:', ...tier1];
  return ['watch:', ...lines.map((l) => `  ${l}`)].map((l) => `    ${l}`);
}

/** (a) Prometheus: a private one on a free loopback port, waited for until it has scraped the gauge once. */
export async function prometheusMode(t: TestContext): Promise<WatchMode> {
  const metrics = await startMetricsApp(t);
  metrics.set('app_error_ratio', 0);
  const prometheus = await startPrometheus(t, { targets: [metrics.target], scrapeIntervalMs: SCRAPE_MS });
  const ratio = async (): Promise<number | undefined> => {
    const query = `${prometheus.url}/api/v1/query?query=app_error_ratio`;
    const response = await fetch(query, { signal: AbortSignal.timeout(2000) });
    const answer = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
    const value = answer.data?.result?.[0]?.value[1];
    return value === undefined ? undefined : Number(value);
  };
  const seen = async (value: number, what: string): Promise<void> => {
    for (const deadline = Date.now() + 30_000; (await ratio()) !== value;) {
      if (Date.now() > deadline) {
        throw new Error(`bench: prometheus at ${prometheus.url} did not report ${what} within 30 s; see ${prometheus.logFile}`);
      }
      await sleep(100);
    }
  };
  // Debian's 2.42 takes about 5 s to its first scrape.
  await seen(0, 'its first scrape of app_error_ratio');
  return {
    name: 'prometheus',
    label: `(a) Prometheus, scrape_interval 1s: query app_error_ratio above 0.2 for ${FOR}, watch interval ${INTERVAL}`,
    watchLines: watchSection([`prometheus: { url: "${prometheus.url}", timeout: 2s }`],
      `{ query: 'app_error_ratio', above: 0.2, for: ${FOR} }`),
    floorMs: FOR_MS,
    scrapeMs: SCRAPE_MS,
    calm: async () => {
      metrics.set('app_error_ratio', 0);
      await seen(0, 'app_error_ratio back at 0');
    },
    breach: () => metrics.set('app_error_ratio', 0.5),
    dirs: [dirname(prometheus.logFile)],
  };
}

/** (b) error_rate: the benchmark's HTTP server answers 500 to every other request from T0 on. */
export async function errorRateMode(t: TestContext): Promise<WatchMode> {
  const flaky = await startFlakyServer(t);
  return {
    name: 'error_rate',
    label: `(b) error_rate probe, no Prometheus: above 0.2 for ${FOR}, watch interval ${INTERVAL}`,
    watchLines: watchSection([], `{ error_rate: { url: "${flaky.url}" }, above: 0.2, for: ${FOR} }`),
    floorMs: FOR_MS,
    scrapeMs: 0,
    calm: async () => flaky.fail(0),
    breach: () => flaky.fail(0.5),
    dirs: [],
  };
}

/** Put `mode`'s watch: section in the production environment of rewind.yaml, in place of the one there was. */
export async function useWatch(configFile: string, mode: WatchMode): Promise<void> {
  const text = (await readFile(configFile, 'utf8')).replace(/ {4}watch:\n( {6}.*\n)*/, '');
  if (!text.includes('    hosts: [local]\n')) throw new Error(`bench: ${configFile} has no "hosts: [local]" line to put watch: after`);
  await writeFile(configFile, text.replace('    hosts: [local]\n', `    hosts: [local]\n${mode.watchLines.join('\n')}\n`));
}
