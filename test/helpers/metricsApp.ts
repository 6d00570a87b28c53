/**
 * A small app on a free loopback port whose /metrics serves gauges in the
 * Prometheus text format; the test sets them as it goes (NaN and ±Inf too).
 * Closed when the test ends.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface MetricsApp {
  /** `127.0.0.1:PORT`: a scrape target. */
  target: string;
  /** Sets the gauge `name` with `labels` (a series of its own per label set). */
  set(name: string, value: number, labels?: Record<string, string>): void;
  /** Stops serving the series: it goes stale at the next scrape. */
  remove(name: string): void;
  /** Resolves at the next scrape of /metrics that begins after this call. */
  nextScrape(): Promise<void>;
}

export async function startMetricsApp(t: TestContext): Promise<MetricsApp> {
  const gauges = new Map<string, Map<string, number>>();
  let waiting: (() => void)[] = [];
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(exposition(gauges));
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    set(name, value, labels = {}) {
      const series = gauges.get(name) ?? new Map<string, number>();
      series.set(labelText(labels), value);
      gauges.set(name, series);
    },
    remove(name) {
      gauges.delete(name);
    },
    nextScrape: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

function exposition(gauges: Map<string, Map<string, number>>): string {
  const lines: string[] = [];
  for (const [name, series] of gauges) {
    lines.push(`# TYPE ${name} gauge`);
    for (const [labels, value] of series) lines.push(`${name}${labels} ${sampleText(value)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function labelText(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** The text format writes the special values as Go does. */
function sampleText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
