/** A release source that was found: what it is, and how to fill a new release dir from it. */
export interface LocatedSource {
  /** Where it comes from, for the manifest and reports (never with a password). */
  description: string;
  /** The commit, when the source knows it before export. */
  sha: string | null;
  /** The commit's time, when the source knows the commit (see core/commitTime). */
  committedAt?: string | null;
  /** Fill `dest`, which does not exist yet, with the release's files. */
  materialize(dest: string): Promise<void>;
}
