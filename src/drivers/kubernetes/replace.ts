/**
 * Read, change, replace with the read's resourceVersion: the API's
 * optimistic concurrency. A 409 Conflict (someone wrote in between) reads
 * again and retries, a few times; `change` returning null means nothing to do.
 */
import { statusOf } from './cluster.js';

const ATTEMPTS = 4;

export async function replaceRetrying<T>(
  read: () => Promise<T>,
  change: (live: T) => T | null,
  replace: (body: T) => Promise<T>,
): Promise<T | null> {
  for (let attempt = 1; ; attempt += 1) {
    const changed = change(await read());
    if (changed === null) return null;
    try {
      return await replace(changed);
    } catch (error) {
      if (statusOf(error) !== 409 || attempt >= ATTEMPTS) throw error;
    }
  }
}
