import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { GENESIS_HASH, auditHash } from '../../src/core/auditHash.js';
import { rowToAudit } from '../../src/ledger/rows.js';
import type { AuditTable } from '../../src/ledger/tables.js';
import { rewind, type CliRun } from '../helpers/cli.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';
import { tempDir } from '../helpers/tmp.js';

export interface DeployedProject {
  dir: string;
  cli: (args: string[], env?: NodeJS.ProcessEnv) => Promise<CliRun>;
  /** Run SQL on the ledger file behind rewind's back, as someone with write access to it would. */
  tamper: (sql: string) => void;
  /** Every audit row, oldest first. */
  auditRows: () => AuditTable[];
  /** The rollback run's summary.json and report.md, parsed / as text. */
  summary: () => Promise<any>;
  reportMd: () => Promise<string>;
  rollbackRunId: string;
}

/**
 * A real project on the releases driver (real directories and symlinks, no
 * app): v1 and v2 deployed by the CLI, then a real rollback to v1, so the
 * ledger holds deploys, a rollback, release status changes and the reports.
 */
export async function deployedProject(t: TestContext, config = MINIMAL_CONFIG, env: NodeJS.ProcessEnv = {}): Promise<DeployedProject> {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yaml'), config);
  for (const version of ['v1', 'v2']) {
    await mkdir(join(dir, 'build', version), { recursive: true });
    await writeFile(join(dir, 'build', version, 'index.txt'), `${version}\n`);
  }
  const cli = (args: string[], more: NodeJS.ProcessEnv = {}) => rewind(dir, args, { ...env, ...more });
  for (const version of ['v1', 'v2']) {
    const run = await cli(['deploy', version]);
    assert.equal(run.code, 0, run.stderr);
  }
  const rolledBack = await cli(['rollback', '--apply', '--yes', '--reason', 'checkout broken', '--json']);
  assert.equal(rolledBack.code, 0, rolledBack.stderr);
  const files = rolledBack.json().files;
  const ledgerFile = join(dir, '.rewind', 'ledger.sqlite');
  const tamper = (sql: string) => {
    const db = new Database(ledgerFile);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };
  const auditRows = () => {
    const db = new Database(ledgerFile, { readonly: true });
    try {
      return db.prepare('select * from audit order by seq').all() as AuditTable[];
    } finally {
      db.close();
    }
  };
  return {
    dir,
    cli,
    tamper,
    auditRows,
    summary: async () => JSON.parse(await readFile(files.summary_json, 'utf8')),
    reportMd: () => readFile(files.report_md, 'utf8'),
    rollbackRunId: rolledBack.json().run_id,
  };
}

/**
 * What someone who knows the (public) unkeyed hash rule can do: rewrite every
 * hash from `fromSeq` on so that the links hold again, and drop any key id.
 */
export function recomputeChainSql(rows: readonly AuditTable[], fromSeq: number): string {
  let prevHash = GENESIS_HASH;
  const statements: string[] = [];
  for (const row of rows) {
    if (row.seq >= fromSeq) {
      const { keyId: _dropped, ...event } = rowToAudit(row) as ReturnType<typeof rowToAudit> & { keyId?: string };
      const hash = auditHash(prevHash, event);
      statements.push(`UPDATE audit SET prev_hash = '${prevHash}', hash = '${hash}'${'key_id' in row ? ', key_id = NULL' : ''} WHERE seq = ${row.seq};`);
      prevHash = hash;
    } else {
      prevHash = row.hash;
    }
  }
  return statements.join('\n');
}
