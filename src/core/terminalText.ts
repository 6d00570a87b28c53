/**
 * Text from the ledger, from tools and from users goes to a terminal in
 * every view. An escape sequence in it would be obeyed there: colour the rest
 * of the screen, move the cursor over a line already printed, set the window
 * title, or hide text (a carriage return lets `ok` print over `FAILED`). So
 * what the CLI prints passes through here once, on its way out: sequences
 * are removed whole, any other control character is dropped; line breaks and
 * tabs stay. Colours rewind adds itself are added after this.
 */

/**
 * ESC followed by: CSI (`[` parameters, intermediates, a final byte), OSC,
 * DCS, SOS, PM or APC (a string up to BEL or ST, or to the end of the line
 * when it was never closed), or a single character (nF and Fe/Fp escapes). Then the
 * 8-bit CSI, and the 8-bit string introducers, each with its string.
 */
// Never past the end of a line: one unclosed string must not swallow the rows after it.
const STRING_BODY = String.raw`[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?`;
const SEQUENCES = new RegExp(
  [
    String.raw`\x1b\[[0-?]*[ -/]*[@-~]?`, // CSI
    String.raw`\x1b[\]PX^_]${STRING_BODY}`, // OSC, DCS, SOS, PM, APC
    String.raw`\x1b[ -/]*[0-~]?`, // any other escape, or a lone ESC
    String.raw`\x9b[0-?]*[ -/]*[@-~]?`, // 8-bit CSI
    String.raw`[\x90\x98\x9d-\x9f]${STRING_BODY}`, // 8-bit string introducers
  ].join('|'),
  'g',
);

/** What is left to drop: control characters but line feed and tab, and the bidirectional overrides that reorder a line. */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function terminalText(text: string): string {
  return text.replace(SEQUENCES, '').replace(CONTROLS, '');
}
