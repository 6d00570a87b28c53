/**
 * How a command is shown in messages, steps and drills. For display only:
 * commands always run as argument arrays. An argument with a space in it is
 * quoted, so `./switch.sh "a b"` is not mistaken for two arguments.
 */
export function showArgv(argv: readonly string[]): string {
  return argv.map((item) => (item === '' || /[\s"'\\]/.test(item) ? JSON.stringify(item) : item)).join(' ');
}

/** Several commands run in order, as one line. */
export function showCommands(commands: readonly (readonly string[])[]): string {
  return commands.map((argv) => `\`${showArgv(argv)}\``).join(', then ');
}
