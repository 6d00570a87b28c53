/**
 * A limit on channels open at once on one connection. OpenSSH refuses more
 * than MaxSessions (10 by default) per connection, so twenty parallel
 * commands must queue here instead of failing there.
 */
export class ChannelGate {
  private open = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`channel limit must be a positive integer, got ${limit}`);
  }

  /** Resolves with a release function once a channel may be opened. */
  async acquire(): Promise<() => void> {
    if (this.open >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so the count stays right.
      if (next !== undefined) next();
      else this.open -= 1;
    };
  }

  get inUse(): number {
    return this.open;
  }
}
