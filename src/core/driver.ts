/**
 * How a kind of target is switched between versions. One module per driver
 * (src/drivers/*) implements this; the engine and operations only see this.
 */
import type { TemplateVars } from './template.js';

/** What the target is really running, read from the target itself. */
export interface LiveState {
  /** The version the target points at, or null when nothing is deployed. */
  version: string | null;
  /** Where it points (a release dir, an image, a tag), for reports. */
  artifact: string | null;
  /** Anything odd: `current` points outside releases/, is not a symlink, ... */
  problems: string[];
}

export interface PreparedRelease {
  version: string;
  /** The commit the release was made from, when the source knows it. */
  sha: string | null;
  artifact: string;
  /** True when an intact release was already there and nothing was rebuilt. */
  reused: boolean;
}

export interface PrepareOptions {
  /** Make it again even if it looks ready: it was found damaged (its checksums no longer hold). */
  rebuild?: boolean;
}

export interface Driver {
  readonly kind: string;
  inspect(): Promise<LiveState>;
  /**
   * Make the release ready to switch to. Idempotent: an intact release is
   * reused. On failure nothing half-made is left where it could be switched to.
   */
  prepare(version: string, options?: PrepareOptions): Promise<PreparedRelease>;
  /** Is the release present and intact on the target? (read-only) */
  isPresent(version: string): Promise<boolean>;
  /** Point the target at a prepared release; atomic where the driver allows. */
  activate(version: string): Promise<void>;
  /** Remove old releases, never one whose version is in `protect`; returns the versions removed. */
  prune(protect: readonly string[]): Promise<string[]>;
  /** Variables for commands that run against a release: {release_dir}, {previous_release_dir}, ... */
  vars(version: string): Promise<TemplateVars>;
}
