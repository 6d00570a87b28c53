/**
 * A project whose SQLite ledger holds years of one app's history over three
 * environments, for bench/dashboard.ts: deploys (some failing verification and
 * rolled back by themselves, a few failing to build), manual rollbacks, and
 * watches of production (some rolled back by tier 1). Everything goes through
 * the ledger's own code (src/ledger's createKyselyLedger over the migrated
 * file), so rows, cursors and the audit chain are what rewind writes; the
 * only difference is that a few hundred deploys share one transaction,
 * where rewind commits every call, or 100,000 deploys would take hours.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createKyselyLedger, openSqliteLedger, type Database } from '../src/ledger/index.js';
import { deploy, rollback, watch, APP, type Good, type Story } from './dashboardStories.js';
import { pastDeploys, yearsConfig } from './yearsHistory.js';

export const ENVS = ['production', 'staging', 'canary'] as const;
const YEARS = 3;
/** Deploys per transaction. */
const BATCH = 500;
/** Bump when the history changes, so that a kept ledger of an older shape is made again. */
const GENERATOR = 1;
/** A kept ledger is reused for this long: its history ends when it was made, and `metrics` looks at the last 30 days. */
const KEEP_MS = 24 * 3600_000;

/** Out of twenty deploys: seven go to production, three to canary, the rest to staging. */
function envOf(index: number): (typeof ENVS)[number] {
  const slot = index % 20;
  return slot < 7 ? 'production' : slot < 10 ? 'canary' : 'staging';
}

export interface Made {
  ledgerFile: string;
  reused: boolean;
  /** Epoch ms the history ends at. */
  madeAt: number;
  counts: Record<string, number>;
}

/**
 * The project in `dir` with `releases` releases over three years, made unless `dir` already holds one of
 * the same shape made less than a day ago. Gives up (throws) when making it takes longer than `limitMs`.
 */
export async function dashboardProject(dir: string, releases: number, limitMs: number, log: (line: string) => void): Promise<Made> {
  const marker = join(dir, 'bench-ledger.json');
  const ledgerFile = join(dir, '.rewind', 'ledger.sqlite');
  const kept = await readFile(marker, 'utf8')
    .then((text) => JSON.parse(text) as Made & { releases: number; generator: number }, () => undefined);
  if (kept && kept.releases === releases && kept.generator === GENERATOR && Date.now() - kept.madeAt < KEEP_MS) {
    return { ...kept, ledgerFile, reused: true };
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, '.rewind'), { recursive: true });
  await writeFile(join(dir, 'rewind.yaml'), yearsConfig(ENVS));
  // Opening it through rewind creates the schema, every migration applied.
  await (await openSqliteLedger(ledgerFile)).close();
  const madeAt = Date.now();
  await writeHistory(ledgerFile, releases, madeAt, limitMs, log);
  const counts = countRows(ledgerFile);
  await writeFile(marker, JSON.stringify({ releases, generator: GENERATOR, madeAt, counts }));
  return { ledgerFile, reused: false, madeAt, counts };
}

async function writeHistory(file: string, count: number, endMs: number, limitMs: number, log: (line: string) => void): Promise<void> {
  const raw = new BetterSqlite3(file);
  raw.pragma('synchronous = off');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  const clock = { ms: 0 };
  // Every write of the ledger runs inside the batch's transaction, opened and committed below.
  const ledger = createKyselyLedger({
    db, label: file, writeTransaction: (work) => work(db), audit: { actor: 'ci@example.com', now: () => new Date(clock.ms) },
  });
  const story: Story = { ledger, clock };
  const goods = new Map<string, Good[]>(ENVS.map((env) => [env, []]));
  const started = performance.now();
  try {
    raw.exec('begin');
    for (const d of pastDeploys(count, (YEARS * 365 * 86_400_000) / count, endMs - 60_000)) {
      const env = envOf(d.index);
      const good = goods.get(env) as Good[];
      const verified = await deploy(story, env, d, good.at(-1) ?? null, d.index % 113 !== 5);
      if (verified) good.push(verified);
      if (good.length > 4) good.shift();
      const back = good.at(-2);
      if (verified && back && d.index % 83 === 0) {
        await rollback(story, env, `rollback-m${d.index}`, verified, back, 'manual', `${verified.version} is slower than ${back.version}`);
        good.pop();
      } else if (verified && env === 'production' && d.index % 97 === 0) {
        if (await watch(story, env, d.index, verified, d.index % 4 === 0 && back ? back : null)) good.pop();
      }
      if ((d.index + 1) % BATCH === 0) {
        raw.exec('commit');
        const seconds = (performance.now() - started) / 1000;
        if ((d.index + 1) % 10_000 === 0) log(`bench: ${d.index + 1} of ${count} releases written, ${seconds.toFixed(0)} s`);
        if (seconds * 1000 > limitMs) {
          throw new Error(`bench: making the ledger took over ${limitMs / 60_000} min (${d.index + 1} of ${count} releases)`);
        }
        raw.exec('begin');
      }
    }
    raw.exec('commit');
    raw.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    if (raw.inTransaction) raw.exec('rollback');
    await db.destroy();
  }
}

function countRows(file: string): Record<string, number> {
  const raw = new BetterSqlite3(file, { readonly: true });
  try {
    const count = (sql: string) => Number((raw.prepare(sql).get() as { n: number }).n);
    return {
      releases: count('select count(*) as n from releases'),
      runs: count('select count(*) as n from runs'),
      rollbacks: count(`select count(*) as n from runs where kind = 'rollback'`),
      watches: count(`select count(*) as n from runs where kind = 'watch'`),
      steps: count('select count(*) as n from steps'),
      audit: count('select count(*) as n from audit'),
    };
  } finally {
    raw.close();
  }
}

export { APP };
