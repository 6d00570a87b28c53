/**
 * Which releases are being built right now. Within one process the driver
 * knows (and a second prepare of the same version joins the first); across
 * processes a marker file with the builder's pid says so, so a prune started
 * elsewhere does not delete a release from under its build.
 */
import type { Files } from '../../core/ports.js';
import type { Layout } from './layout.js';
import { isAlive } from './pids.js';

export class BuildTracker {
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(private readonly files: Files, private readonly layout: Layout) {}

  /** Run `work` for a version unless it is already running here; then share its outcome. */
  once<T>(version: string, work: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(version);
    if (running !== undefined) return running as Promise<T>;
    const promise = work().finally(() => this.inflight.delete(version));
    this.inflight.set(version, promise);
    return promise;
  }

  async mark(version: string): Promise<void> {
    await this.files.writeFileAtomic(this.layout.buildingMarker(version), `${process.pid}\n`);
  }

  async unmark(version: string): Promise<void> {
    // Never mask the build's own outcome; a stale marker is cleaned by prune.
    await this.files.remove(this.layout.buildingMarker(version)).catch(() => undefined);
  }

  /** Built by this driver, or by another process that is still alive. */
  async isBeingBuilt(version: string): Promise<boolean> {
    if (this.inflight.has(version)) return true;
    const text = await this.files.readFile(this.layout.buildingMarker(version)).catch(() => undefined);
    const pid = Number.parseInt(text ?? '', 10);
    return pid !== process.pid && isAlive(pid);
  }
}
