import { RewindError } from '../core/errors.js';
import { NAME_PATTERN } from '../core/configParts.js';

export function isValidAppName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

export function assertAppName(name: string): string {
  if (!isValidAppName(name)) {
    throw new RewindError(
      'USAGE',
      `app name ${JSON.stringify(name)} is not valid: expected up to 64 letters, digits, "_" or "-", starting with a letter or digit`,
      { app: name },
    );
  }
  return name;
}

/**
 * Make an app name out of a package name or a directory name: `@acme/web shop`
 * becomes `web-shop`. The scope goes because it names the owner, not the app.
 */
export function sanitizeAppName(raw: string): string {
  const name = raw
    .replace(/^@[^/]*\//, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[-_]+$/, '');
  return name === '' ? 'app' : name;
}
