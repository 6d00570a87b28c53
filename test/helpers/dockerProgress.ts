import type Dockerode from 'dockerode';

/** One line of the engine's JSON progress stream (import, pull, push, build). */
export interface ProgressMessage {
  status?: string;
  stream?: string;
  id?: string;
  aux?: Record<string, unknown>;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Reads a progress stream to its end. The engine reports most failures (a
 * refused push, a bad change line) inside a 200 stream, as a message with
 * `error`, so those are thrown here rather than left for the caller to notice.
 */
export function followProgress(docker: Dockerode, stream: NodeJS.ReadableStream, what: string): Promise<ProgressMessage[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, messages: ProgressMessage[]) => {
      if (error) return reject(new Error(`${what}: ${error.message}`));
      const failed = messages.find((message) => message.error !== undefined || message.errorDetail !== undefined);
      if (failed) return reject(new Error(`${what}: ${failed.error ?? failed.errorDetail?.message}`));
      resolve(messages);
    });
  });
}
