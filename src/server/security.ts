import type { MiddlewareHandler } from 'hono';

/**
 * The headers every answer carries: a CSP that allows no script at all and
 * styles from this server only, no framing, no MIME sniffing, no referrer,
 * nothing cached (a page shows the ledger as it is now).
 */
export const CSP = [
  "default-src 'none'", "style-src 'self'", "img-src 'self' data:", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('content-security-policy', CSP);
    c.header('x-frame-options', 'DENY');
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('cross-origin-opener-policy', 'same-origin');
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  };
}
