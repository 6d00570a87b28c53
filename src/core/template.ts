/**
 * Commands in rewind.yaml are argument arrays. Placeholders such as
 * `{version}` are substituted per item, never through a shell, so a value
 * can never split into two arguments or smuggle in an operator.
 */
export const PLACEHOLDERS = ['version', 'sha', 'release_dir', 'previous_release_dir', 'env', 'app', 'host', 'slot', 'port'] as const;

/** Only a blue/green environment (`traffic:`) has them: the slot a command acts on, and that slot's port. */
export const SLOT_PLACEHOLDERS = ['slot', 'port'] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateVars = Partial<Record<Placeholder, string>>;

const PATTERN = /\{([a-z_]+)\}/g;

export function expandItem(item: string, vars: TemplateVars): string {
  return item.replace(PATTERN, (whole, name: string) => {
    const value = (vars as Record<string, string | undefined>)[name];
    return value === undefined ? whole : value;
  });
}

export function expandArgv(argv: readonly string[], vars: TemplateVars): string[] {
  return argv.map((item) => expandItem(item, vars));
}

/** Placeholders used in a string that rewind does not know: a config error. */
export function unknownPlaceholders(item: string): string[] {
  const unknown: string[] = [];
  for (const match of item.matchAll(PATTERN)) {
    const name = match[1] as string;
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) unknown.push(name);
  }
  return unknown;
}
