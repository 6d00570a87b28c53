/**
 * Which of the tags on a commit is its version. A commit often carries a
 * version tag and others (`production`, `latest`, a release candidate that
 * became the release); the answer must not depend on the order git lists
 * them in, or `status` would report drift that is not there.
 */
import { isSafeName } from '../../core/names.js';

/** v1, 1.4.1, v2.0.0-rc.1, 1.4.1+build.7 */
const VERSION_LIKE = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

interface Parsed {
  tag: string;
  numbers: number[];
  prerelease: string | null;
}

/**
 * The version-like tag with the highest version (a release above its
 * pre-releases), else the first usable tag by name; null when none of the
 * tags is a safe version name.
 */
export function pickVersionTag(tags: readonly string[]): string | null {
  const usable = [...new Set(tags)].filter(isSafeName).sort();
  const versions = usable.map(parse).filter((parsed): parsed is Parsed => parsed !== null);
  if (versions.length > 0) return versions.sort(compareVersions)[0]?.tag ?? null;
  return usable[0] ?? null;
}

function parse(tag: string): Parsed | null {
  const match = VERSION_LIKE.exec(tag);
  if (match === null) return null;
  return { tag, numbers: (match[1] as string).split('.').map(Number), prerelease: match[2] ?? null };
}

/** Highest first; ties broken by name so the order is total. */
function compareVersions(a: Parsed, b: Parsed): number {
  const length = Math.max(a.numbers.length, b.numbers.length);
  for (let i = 0; i < length; i += 1) {
    const difference = (b.numbers[i] ?? 0) - (a.numbers[i] ?? 0);
    if (difference !== 0) return difference;
  }
  if (a.prerelease !== b.prerelease) {
    if (a.prerelease === null) return -1;
    if (b.prerelease === null) return 1;
    return a.prerelease < b.prerelease ? 1 : -1;
  }
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}
