/**
 * Where preflight builds happen: one directory beside the checkout,
 * `<path>.rewind-preflight/`, holding a worktree per version being checked.
 * Beside, not inside: a build in a subdirectory of the checkout would find
 * the live node_modules by walking up and pass when it should not. One
 * fixed directory, so it can be a single write root.
 */
export function preflightRoot(path: string): string {
  return `${path}.rewind-preflight`;
}

export function preflightDir(path: string, version: string): string {
  return `${preflightRoot(path)}/${version}`;
}
