/**
 * The dashboard's one action, only when REWIND_SERVE_TOKEN is set: approving
 * a run that waits for approval. The form posts the token (compared in
 * constant time), the approver's name (who the audit log records; the
 * approval policy decides whether they may) and a CSRF value that must equal
 * the one in this browser's SameSite=Strict cookie.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { assertActorName } from '../core/actorName.js';
import { RewindError } from '../core/errors.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from '../operations/deps.js';
import { approveRun } from '../operations/approveRun.js';
import type { Nav } from './nav.js';
import { notFoundPage } from './pages/audit.js';

const COOKIE = 'rewind_csrf';

/** This browser's CSRF value: the cookie's, or a new one set now. */
export function csrfFor(c: Context, random: () => string): string {
  const existing = getCookie(c, COOKIE);
  if (existing && /^[0-9a-f]{32}$/.test(existing)) return existing;
  const value = random();
  setCookie(c, COOKIE, value, { httpOnly: true, sameSite: 'Strict', path: '/' });
  return value;
}

export interface ApproveRoutes {
  token: string;
  findRun: (id: string) => Promise<{ run: Run; env: EnvDeps } | undefined>;
  nav: Nav;
}

export function registerApprove(app: Hono, routes: ApproveRoutes): void {
  app.post('/runs/:id/approve', async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    const cookie = getCookie(c, COOKIE) ?? '';
    if (cookie === '' || !same(cookie, field('csrf'))) {
      return refuse(c, routes.nav, 403, 'refused: the form did not come from this dashboard (CSRF)');
    }
    if (!same(routes.token, field('token'))) return refuse(c, routes.nav, 403, 'refused: wrong token');
    const found = await routes.findRun(c.req.param('id'));
    if (!found) return refuse(c, routes.nav, 404, `no run ${c.req.param('id')}`);
    const approver = field('approver').trim();
    if (approver === '') return refuse(c, routes.nav, 400, 'refused: say who approves');
    try {
      assertActorName(approver, 'the approver');
      await approveRun({ ...found.env, user: approver }, found.run.id);
    } catch (error) {
      if (error instanceof RewindError) return refuse(c, routes.nav, 400, error.message);
      throw error;
    }
    return c.redirect(`/runs/${encodeURIComponent(found.run.id)}`, 303);
  });
}

function same(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

function refuse(c: Context, nav: Nav, status: 400 | 403 | 404, message: string) {
  return c.html(notFoundPage(nav, message), status);
}
