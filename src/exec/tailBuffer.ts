/**
 * Keeps the last `limit` bytes of a stream. The end of a build log is where
 * the error is; the beginning of a megabyte of npm output is not worth memory.
 */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Trim only when well over the limit so a chatty stream costs O(n), not O(n^2).
    if (this.size > this.limit * 2) this.compact();
  }

  /** Counts bytes dropped before any reached this buffer (a remote side that sent only the end). */
  noteDropped(bytes: number): void {
    this.dropped += bytes;
  }

  /** Bytes thrown away from the start. */
  get truncatedBytes(): number {
    return this.dropped + Math.max(0, this.size - this.limit);
  }

  text(): string {
    this.compact();
    let bytes = Buffer.concat(this.chunks);
    if (this.dropped > 0) {
      // Do not start in the middle of a UTF-8 sequence: skip continuation bytes.
      let start = 0;
      while (start < bytes.length && start < 4 && ((bytes[start] as number) & 0xc0) === 0x80) start += 1;
      bytes = bytes.subarray(start);
    }
    return bytes.toString('utf8');
  }

  private compact(): void {
    if (this.size <= this.limit) return;
    const all = Buffer.concat(this.chunks);
    const excess = all.length - this.limit;
    this.chunks = [all.subarray(excess)];
    this.dropped += excess;
    this.size = this.limit;
  }
}
