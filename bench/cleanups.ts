/**
 * What the benchmark started, stopped at the end in reverse order. It stands
 * in for the node:test TestContext the test helpers take (`after`, `skip`),
 * so the fleet helpers can be reused outside a test run.
 */
export class Cleanups {
  private readonly fns: Array<() => unknown> = [];

  after(fn: () => unknown): void {
    this.fns.push(fn);
  }

  skip(reason?: string): void {
    throw new Error(`cannot run the benchmark: ${reason ?? 'a helper asked to skip'}`);
  }

  /** Run every cleanup, newest first, each bounded in time; errors are reported, never thrown. */
  async runAll(timeoutMs = 30_000): Promise<void> {
    while (this.fns.length > 0) {
      const fn = this.fns.pop() as () => unknown;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => { timer = setTimeout(() => { process.stderr.write('bench: a cleanup timed out\n'); resolve(); }, timeoutMs); });
      try {
        await Promise.race([Promise.resolve().then(fn), timeout]);
      } catch (thrown) {
        process.stderr.write(`bench: cleanup failed: ${thrown instanceof Error ? thrown.message : String(thrown)}\n`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
