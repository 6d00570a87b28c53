/**
 * Turns in the order they were asked: what a command session uses so that
 * its commands and file operations never overlap on its one channel.
 */
export class Turns {
  private last: Promise<void> = Promise.resolve();

  /** Resolves when every turn asked before has ended, with the function that ends this one. */
  take(): Promise<() => void> {
    let end: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      end = resolve;
    });
    const before = this.last;
    this.last = before.then(() => mine);
    return before.then(() => end);
  }
}
