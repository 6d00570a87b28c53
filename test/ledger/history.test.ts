import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { HISTORY_TABLES, NOT_HISTORY_TABLES } from '../../src/ledger/history.js';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { tempDir } from '../helpers/tmp.js';

// `rewind ledger copy` moves the tables it knows. A migration that adds a
// table must say here whether it is history (copied) or not, or a copy
// would silently leave its rows behind.
test('every table of the schema is either copied by ledger copy or deliberately left behind', async (t) => {
  const file = join(await tempDir(t), 'ledger.sqlite');
  await (await openSqliteLedger(file)).close();
  const raw = new BetterSqlite3(file, { readonly: true });
  t.after(() => raw.close());
  const tables = (raw.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[]).map((r) => r.name);
  const known = new Set<string>([...HISTORY_TABLES, ...NOT_HISTORY_TABLES]);
  assert.deepEqual(tables.filter((name) => !known.has(name)), [], 'add new tables to HISTORY_TABLES (in src/ledger/history.ts) or NOT_HISTORY_TABLES');
  for (const table of HISTORY_TABLES) assert.ok(tables.includes(table), `${table} is not in the schema`);
});
