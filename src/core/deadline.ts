/**
 * A signal that aborts after `ms` (with a TimeoutError, as AbortSignal.timeout
 * does), or when `outer` aborts, with its timer held until `clear()`.
 *
 * Not AbortSignal.timeout: its timer is unref'd (a request holding no socket
 * could let the process exit), and combined through AbortSignal.any nothing
 * holds it, so on Node 20 it can be garbage-collected before it fires and a
 * hung request then never times out (seen under the full test suite).
 */
export function deadline(ms: number, outer?: AbortSignal): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms}ms`, 'TimeoutError')), ms);
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}
