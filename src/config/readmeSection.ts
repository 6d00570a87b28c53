export const REFERENCE_START = '<!-- config-reference:start -->';
export const REFERENCE_END = '<!-- config-reference:end -->';

/** The README with the text between the config-reference markers replaced by `reference`. */
export function withConfigReference(readme: string, reference: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md needs the markers ${REFERENCE_START} and ${REFERENCE_END}, in that order`);
  }
  const body = reference.endsWith('\n') ? reference : `${reference}\n`;
  return `${readme.slice(0, start + REFERENCE_START.length)}\n${body}${readme.slice(end)}`;
}
