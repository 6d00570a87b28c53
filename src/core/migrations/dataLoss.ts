/**
 * What a down step destroys, read from its text: the plan shows it and a
 * rollback that loses data needs approval. A heuristic over the text: it
 * errs towards reporting (a commented-out DROP is skipped; a DROP in a
 * string that is never run is reported).
 */
export function dataLossIn(text: string, language: 'sql' | 'js'): string[] {
  return dedupe(language === 'sql' ? sqlDataLoss(text) : jsDataLoss(text));
}

const IDENT = String.raw`("?[A-Za-z_][\w$]*"?(?:\."?[A-Za-z_][\w$]*"?)?)`;

export function sqlDataLoss(text: string): string[] {
  const found: string[] = [];
  for (const statement of stripSqlComments(text).split(';')) {
    const s = statement.replace(/\s+/g, ' ').trim();
    if (s === '') continue;
    for (const m of s.matchAll(new RegExp(String.raw`\bDROP TABLE (?:IF EXISTS )?${IDENT}((?:\s*,\s*${IDENT})*)`, 'gi'))) {
      for (const name of [m[1], ...(m[2] ?? '').split(',').slice(1)]) if (name?.trim()) found.push(`DROP TABLE ${clean(name)}`);
    }
    for (const m of s.matchAll(new RegExp(String.raw`\bTRUNCATE (?:TABLE )?(?:ONLY )?${IDENT}`, 'gi'))) {
      found.push(`TRUNCATE ${clean(m[1])}`);
    }
    for (const m of s.matchAll(new RegExp(String.raw`\bDELETE FROM (?:ONLY )?${IDENT}`, 'gi'))) found.push(`DELETE FROM ${clean(m[1])}`);
    const alter = new RegExp(String.raw`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?${IDENT}`, 'i').exec(s);
    if (alter) {
      const table = clean(alter[1]);
      const rest = s.slice(alter[0].length);
      for (const m of rest.matchAll(new RegExp(String.raw`\bDROP (?:COLUMN )?(?:IF EXISTS )?${IDENT}`, 'gi'))) {
        const column = clean(m[1]);
        if (/^(constraint|default|not|index)$/i.test(column)) continue;
        found.push(`DROP COLUMN ${table}.${column}`);
      }
      for (const m of rest.matchAll(new RegExp(String.raw`\bALTER (?:COLUMN )?${IDENT} (?:SET DATA )?TYPE\b`, 'gi'))) {
        found.push(`ALTER COLUMN ${table}.${clean(m[1])} TYPE`);
      }
    }
  }
  return found;
}

export function jsDataLoss(text: string): string[] {
  const code = stripJsComments(text);
  const found: string[] = [];
  const str = String.raw`\s*['"\`]([^'"\`]+)['"\`]`;
  for (const m of code.matchAll(new RegExp(String.raw`\.dropTable(?:IfExists)?\(${str}`, 'g'))) found.push(`DROP TABLE ${m[1]}`);
  // A column dropped inside alterTable('t', ...) / table('t', ...): the nearest table named before it.
  for (const m of code.matchAll(/\.dropColumns?\(([^)]*)\)/g)) {
    const table = lastTableBefore(code, m.index ?? 0);
    for (const c of (m[1] ?? '').matchAll(/['"`]([^'"`]+)['"`]/g)) found.push(`DROP COLUMN ${table ? `${table}.` : ''}${c[1]}`);
  }
  for (const m of code.matchAll(new RegExp(String.raw`\(${str}\s*\)\s*\.truncate\(`, 'g'))) found.push(`TRUNCATE ${m[1]}`);
  if (found.every((f) => !f.startsWith('TRUNCATE')) && /\.truncate\(/.test(code)) found.push('TRUNCATE');
  for (const m of code.matchAll(/\.(?:del|delete)\(\s*\)/g)) {
    const table = lastTableBefore(code, m.index ?? 0);
    found.push(`DELETE FROM ${table ?? '(a table)'}`);
  }
  // A column definition, maybe with chained modifiers, ending in .alter(): `t.integer('price').notNullable().alter()`.
  for (const m of code.matchAll(/\.(\w+)\(\s*['"`]([^'"`]+)['"`][^)]*\)(?:\s*\.\w+\([^)]*\))*\s*\.alter\(/g)) {
    const table = lastTableBefore(code, m.index ?? 0);
    found.push(`ALTER COLUMN ${table ? `${table}.` : ''}${m[2]} TYPE`);
  }
  for (const m of code.matchAll(/\.raw\(\s*(['"`])([\s\S]*?)\1/g)) found.push(...sqlDataLoss(m[2] ?? ''));
  return found;
}

function lastTableBefore(code: string, index: number): string | undefined {
  const before = code.slice(0, index);
  const matches = [...before.matchAll(/(?:alterTable|table|createTable|knex|trx)\(\s*['"`]([^'"`]+)['"`]/g)];
  return matches.at(-1)?.[1];
}

function clean(name: string | undefined): string {
  return (name ?? '').trim().replaceAll('"', '');
}

function stripSqlComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}

function stripJsComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:])\/\/[^\n]*/g, '$1');
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}
