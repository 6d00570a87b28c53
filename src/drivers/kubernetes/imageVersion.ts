/** The version an image names, read back through kubernetes.image (`registry/shop:{version}`). Pure. */
import { expandItem } from '../../core/template.js';

export function imageOf(template: string, version: string): string {
  return expandItem(template, { version });
}

export function versionOfImage(template: string, image: string | undefined): string | null {
  if (!image) return null;
  const [before, after] = template.split('{version}') as [string, string | undefined];
  if (after === undefined) return null;
  const pattern = new RegExp(`^${escape(before)}([A-Za-z0-9_][A-Za-z0-9._+-]*)${escape(after)}$`);
  // A digest pinned after the tag (`...:v1@sha256:...`) still names the version.
  return pattern.exec(image.replace(/@sha256:[a-f0-9]+$/, ''))?.[1] ?? null;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
