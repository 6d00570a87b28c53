/**
 * One Prometheus instant query (`GET /api/v1/query`), bounded by a timeout
 * and the caller's signal. Every outcome is an answer, never a throw: the
 * watch turns it into a measurement, and `rewind verify` shows a rejected
 * query's message (problem `rejected`: 400 bad_data, 422 execution) as a
 * config error.
 */
import { deadline } from '../core/deadline.js';
import { describeFetchFailure } from './fetchFailure.js';
import { readPrometheusAnswer } from './prometheusAnswer.js';
import type { PrometheusAnswer } from './prometheusAnswer.js';

export type { PrometheusAnswer, QueryProblem } from './prometheusAnswer.js';

/** `watch.prometheus`: the server's base URL (a path prefix is kept) and how long one query may take. */
export interface PrometheusTarget {
  url: string;
  timeoutMs: number;
}

export interface QueryDeps {
  fetch?: typeof fetch;
  signal?: AbortSignal | undefined;
}

/** Asks once. Also the config-time check of a query: `problem: 'rejected'` is the query's fault. */
export async function queryPrometheus(target: PrometheusTarget, query: string, deps: QueryDeps = {}): Promise<PrometheusAnswer> {
  const base = target.url.replace(/\/+$/, '');
  if (deps.signal?.aborted) return unavailable(`prometheus ${base}: query cancelled`);
  const timeoutMs = Math.max(1, Math.ceil(target.timeoutMs));
  const timeout = deadline(timeoutMs, deps.signal);
  let answer: PrometheusAnswer;
  try {
    const response = await (deps.fetch ?? fetch)(`${base}/api/v1/query?query=${encodeURIComponent(query)}`, {
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': 'rewind-watch' },
      redirect: 'manual',
      signal: timeout.signal,
    });
    // Read under the same deadline: a server may send headers and then stall.
    const body = await response.text();
    answer = readPrometheusAnswer(response.status, response.headers.get('content-type'), body);
  } catch (error) {
    // Transport failures name the URL themselves.
    return unavailable(`prometheus: ${describeFetchFailure(error, base, timeoutMs)}`);
  } finally {
    timeout.clear();
  }
  return answer.kind === 'error' ? { ...answer, message: `prometheus ${base}: ${answer.message}` } : answer;
}

function unavailable(message: string): PrometheusAnswer {
  return { kind: 'error', problem: 'unavailable', message };
}
