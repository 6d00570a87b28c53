/**
 * `rewind serve`: the dashboard, pages rendered on the server over the same
 * operations the CLI uses, and the same facts as JSON under /api/. Read-only
 * unless REWIND_SERVE_TOKEN is set; then the one action is approving a run
 * that waits for approval (see approve.ts). No script on any page, a CSP
 * that allows none, no framing.
 */
import { Hono, type Context } from 'hono';
import { timeout } from 'hono/timeout';
import { isRewindError } from '../core/errors.js';
import type { EnvDeps } from '../operations/deps.js';
import { envFigures } from '../operations/dashboard/figures.js';
import { envOverview } from '../operations/dashboard/overview.js';
import { runDetail } from '../operations/dashboard/runDetail.js';
import { history } from '../operations/history.js';
import { registerApprove, csrfFor } from './approve.js';
import { auditView } from './auditView.js';
import type { Nav } from './nav.js';
import { auditPage, notFoundPage } from './pages/audit.js';
import { overviewPage } from './pages/overview.js';
import { runPage } from './pages/run.js';
import { timelinePage } from './pages/timeline.js';
import { reportFile } from './reportFile.js';
import { securityHeaders } from './security.js';
import { STYLE } from './style.js';

export interface DashboardDeps {
  app: string;
  /** Every environment of the configuration, opened (hosts are only reached when an action needs them). */
  envs: ReadonlyMap<string, EnvDeps>;
  /** REWIND_SERVE_TOKEN: without it the dashboard only reads. */
  token?: string;
  /** Random values for CSRF cookies. */
  random: () => string;
}

/** No request is allowed to hold the server longer than this. */
const REQUEST_MS = 10_000;
const PAGE = 50;

export function createDashboard(deps: DashboardDeps): Hono {
  const nav: Nav = { app: deps.app, envs: [...deps.envs.keys()] };
  const app = new Hono();
  app.use('*', securityHeaders());
  app.use('*', timeout(REQUEST_MS));
  const envOf = (name: string) => deps.envs.get(name);
  const anyEnv = () => [...deps.envs.values()][0] as EnvDeps;
  const findRun = async (id: string) => {
    const run = await anyEnv().ledger.getRun(id);
    const env = run ? envOf(run.env) : undefined;
    return run && env && run.app === deps.app ? { run, env } : undefined;
  };

  app.get('/assets/style.css', (c) => c.body(STYLE, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }));

  const overviews = () => Promise.all([...deps.envs.values()].map(async (env) => {
    const [overview, figures] = await Promise.all([envOverview(env), envFigures(env)]);
    return { overview, figures };
  }));
  app.get('/', async (c) => c.html(overviewPage(nav, await overviews())));
  app.get('/api/overview', async (c) => c.json({ app: deps.app, environments: await overviews() }));

  const timeline = async (c: Context) => {
    const env = envOf(c.req.param('env') ?? '');
    if (!env) return undefined;
    return { env, page: await history(env, { limit: PAGE, before: c.req.queries('before') ?? [] }) };
  };
  app.get('/env/:env', async (c) => {
    const found = await timeline(c);
    return found ? c.html(timelinePage(nav, found.env.envName, found.page)) : notFound(c, nav, `no environment ${c.req.param('env')}`);
  });
  app.get('/api/env/:env', async (c) => {
    const found = await timeline(c);
    return found ? c.json(found.page) : c.json({ error: `no environment ${c.req.param('env')}` }, 404);
  });

  app.get('/runs/:id', async (c) => {
    const found = await findRun(c.req.param('id'));
    if (!found) return notFound(c, nav, `no run ${c.req.param('id')}`);
    const detail = await runDetail(found.env, found.run.id);
    const approve = deps.token && found.run.status === 'awaiting_approval' ? { csrf: csrfFor(c, deps.random) } : null;
    return c.html(runPage(nav, detail, approve));
  });
  app.get('/api/runs/:id', async (c) => {
    const found = await findRun(c.req.param('id'));
    return found ? c.json(await runDetail(found.env, found.run.id)) : c.json({ error: `no run ${c.req.param('id')}` }, 404);
  });
  app.get('/runs/:id/files/*', async (c) => {
    const found = await findRun(c.req.param('id'));
    const name = decodeURIComponent(c.req.path.split('/files/')[1] ?? '');
    const file = found ? await reportFile(found.env, found.run.id, name) : undefined;
    return file ? c.body(file.text, 200, { 'content-type': file.type }) : notFound(c, nav, `no report file ${name}`);
  });

  const audit = auditView(anyEnv());
  app.get('/audit', async (c) => {
    const view = await audit(Number(c.req.query('before') ?? Number.NaN), PAGE);
    return c.html(auditPage(nav, view.verdict, view.entries, view.next));
  });
  app.get('/api/audit', async (c) => c.json(await audit(Number(c.req.query('before') ?? Number.NaN), PAGE)));

  if (deps.token) registerApprove(app, { token: deps.token, findRun, nav });

  app.notFound((c) => (c.req.path.startsWith('/api/')
    ? c.json({ error: 'not found' }, 404)
    : notFound(c, nav, `nothing at ${c.req.path}`)));
  app.onError((error, c) => {
    const known = isRewindError(error);
    const status = known && error.exitCode === 2 ? 400 : 500;
    // A known error's message is written for people (and redacted); anything else is not shown.
    const message = known ? error.message : 'internal error: see the server log';
    if (!known) process.stderr.write(`rewind serve: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return c.req.path.startsWith('/api/') ? c.json({ error: message }, status) : c.html(notFoundPage(nav, message), status);
  });
  return app;
}

function notFound(c: Context, nav: Nav, what: string) {
  return c.html(notFoundPage(nav, what), 404);
}
