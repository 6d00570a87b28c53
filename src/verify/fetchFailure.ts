/**
 * fetch reports every transport problem as `TypeError: fetch failed` and
 * hides the useful part in `cause`. An operator at 3 a.m. needs "connection
 * refused at <url>", so the cause is unwrapped into one plain line here.
 */

export function describeFetchFailure(error: unknown, url: string, timeoutMs: number): string {
  if (isNamed(error, 'TimeoutError')) return `no answer from ${url} within ${formatMs(timeoutMs)}`;
  if (isNamed(error, 'AbortError')) return `request to ${url} was cancelled`;
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = errorCode(cause);
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused at ${url}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `cannot resolve the host of ${url} (${code})`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return `connection closed by ${url} before a full answer`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host unreachable at ${url} (${code})`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `no answer from ${url} (${code})`;
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  // fetch refuses some ports outright (the WHATWG "bad ports" list, e.g. 1, 6000).
  if (message === 'bad port') return `fetch refuses to connect to the port of ${url} (a blocked "bad port")`;
  return `request to ${url} failed: ${message.replace(/\s+/g, ' ').trim()}${code ? ` (${code})` : ''}`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

/** Happy-eyeballs connects can fail with an AggregateError whose members carry the code. */
function errorCode(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null) return undefined;
  const own = (cause as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const errors = (cause as { errors?: unknown }).errors;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const code = errorCode(inner);
      if (code) return code;
    }
  }
  return undefined;
}
