/**
 * What the live dir holds, by its marker: the version and the tarball it was
 * restored from. A live dir that is missing while `.previous` is there is a
 * swap stopped between its renames, which `rewind resume` finishes.
 */
import type { LiveState } from '../../core/driver.js';
import type { Files } from '../../core/ports.js';
import { MARKER_FILE, type Layout } from './layout.js';
import { readMarker } from './marker.js';

export async function inspectLive(files: Files, layout: Layout): Promise<LiveState> {
  const found = await files.stat(layout.live);
  if (found === undefined) {
    const stopped = await files.exists(layout.previous);
    return {
      version: null,
      artifact: null,
      problems: stopped
        ? [`${layout.live} is missing and ${layout.previous} is there: a swap stopped between its two renames; resume its run`]
        : [],
    };
  }
  if (found.type !== 'dir') return { version: null, artifact: null, problems: [`${layout.live} is a ${found.type}, not a directory`] };
  const marker = await readMarker(files, layout.live);
  if (marker === 'invalid') {
    return { version: null, artifact: null, problems: [`${layout.live}/${MARKER_FILE} cannot be read: which version is live is unknown`] };
  }
  if (marker === undefined) {
    const empty = (await files.list(layout.live)).length === 0;
    const problems = empty ? [] : [`${layout.live} holds files rewind did not deploy (no ${MARKER_FILE})`];
    return { version: null, artifact: null, problems };
  }
  return { version: marker.version, artifact: marker.artifact, problems: [] };
}
