import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Nav } from './nav.js';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The page shell: the app's name, one link per environment, the audit log. No script: every page reads without JavaScript. */
export function page(title: string, nav: Nav, body: Html): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · rewind</title><link rel="stylesheet" href="/assets/style.css"><link rel="icon" href="data:,"></head>
<body><header><a class="app" href="/">${nav.app}</a>
<nav>${nav.envs.map((env) => html`<a href="/env/${encodeURIComponent(env)}">${env}</a>`)}<a href="/audit">audit</a></nav></header>
<main>${body}</main></body></html>`;
}

export type { Html };
