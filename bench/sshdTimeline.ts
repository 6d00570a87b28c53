import { open } from 'node:fs/promises';

export interface LogLine {
  /** performance.now() when the line was first seen. */
  at: number;
  line: string;
}

export interface Watch {
  stop: () => Promise<LogLine[]>;
}

/**
 * Lines appended to sshd's log (it has no timestamps of its own), stamped
 * when this process first reads them: the file is read every 2 ms, so each
 * stamp is late by a few ms at most. At most maxMs long.
 */
export async function watchLog(path: string, maxMs = 30_000): Promise<Watch> {
  const file = await open(path, 'r');
  let offset = (await file.stat()).size;
  let partial = '';
  const lines: LogLine[] = [];
  const started = performance.now();
  let reading = false;
  const read = async (): Promise<void> => {
    if (reading) return;
    reading = true;
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        const text = partial + buffer.subarray(0, bytesRead).toString('utf8');
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        const at = performance.now();
        for (const line of parts) if (line !== '') lines.push({ at, line });
      }
    } finally {
      reading = false;
    }
  };
  const timer = setInterval(() => {
    if (performance.now() - started > maxMs) clearInterval(timer);
    else void read();
  }, 2);
  return {
    stop: async () => {
      clearInterval(timer);
      while (reading) await new Promise((resolve) => setTimeout(resolve, 2));
      await read();
      await file.close();
      return lines;
    },
  };
}
