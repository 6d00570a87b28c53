/**
 * What a Prometheus `/api/v1/query` answer means for a watch: one number, no
 * sample, or a problem in one line. Pure: the HTTP side is prometheus.ts.
 * A watch condition compares one number with a threshold, so anything else
 * (a range vector, a string, several series) is an error, never a pass.
 */

/** Why there is no number: Prometheus refused the query (400/422), answered with the wrong shape, or could not be asked. */
export type QueryProblem = 'rejected' | 'shape' | 'unavailable';

export type PrometheusAnswer =
  | { kind: 'value'; value: number }
  | { kind: 'empty' }
  | { kind: 'error'; problem: QueryProblem; message: string };

/** How many series a "several series" message names before it says "...". */
const SERIES_SHOWN = 3;
/** Enough of a non-JSON body to recognise it (an HTML login page, a proxy's error). */
const BODY_SHOWN = 120;

/** Reads one answer: the HTTP status, its content type and its body. */
export function readPrometheusAnswer(status: number, contentType: string | null, body: string): PrometheusAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const type = contentType ? `, ${contentType.split(';')[0]}` : '';
    return unavailable(`answered ${status} with something that is not JSON${type}: ${excerpt(body)} (is this a Prometheus URL?)`);
  }
  if (!isRecord(parsed) || (parsed.status !== 'success' && parsed.status !== 'error')) {
    return unavailable(`answered ${status} with JSON that is not a Prometheus API answer: ${excerpt(body)}`);
  }
  if (parsed.status === 'error') return refusal(status, parsed);
  const data = parsed.data;
  if (!isRecord(data)) return unavailable(`answered ${status} "success" without data`);
  return readResult(data.resultType, data.result);
}

/** 400 bad_data and 422 execution are the query's fault; the other error types are Prometheus's (timeout, unavailable, internal). */
function refusal(status: number, answer: Record<string, unknown>): PrometheusAnswer {
  const type = typeof answer.errorType === 'string' ? answer.errorType : 'unknown';
  const said = typeof answer.error === 'string' ? oneLine(answer.error) : 'no message';
  if (type === 'bad_data' || type === 'execution' || status === 400 || status === 422) {
    return { kind: 'error', problem: 'rejected', message: `rejected the query (${status} ${type}): ${said}` };
  }
  return unavailable(`could not run the query (${status} ${type}): ${said}`);
}

function readResult(resultType: unknown, result: unknown): PrometheusAnswer {
  switch (resultType) {
    case 'scalar':
      return readSample(result, 'the scalar');
    case 'vector': {
      if (!Array.isArray(result)) return unavailable('answered a vector without a list of samples');
      if (result.length === 0) return { kind: 'empty' };
      if (result.length > 1) return severalSeries(result);
      const sample: unknown = result[0];
      if (isRecord(sample) && sample.histogram !== undefined && sample.value === undefined) {
        return shape('returned a native histogram sample, not a number (use histogram_quantile() or histogram_count())');
      }
      return readSample(isRecord(sample) ? sample.value : undefined, 'the sample');
    }
    case 'matrix':
      return shape('returned a range vector (matrix), not one number: drop the [range] or wrap it in rate(), avg_over_time() ...');
    case 'string':
      return shape('returned a string, not a number');
    default:
      return unavailable(`answered an unknown result type ${JSON.stringify(resultType) ?? 'undefined'}`);
  }
}

function severalSeries(result: unknown[]): PrometheusAnswer {
  const shown = result.slice(0, SERIES_SHOWN).map((sample) => seriesName(isRecord(sample) ? sample.metric : undefined));
  const more = result.length > SERIES_SHOWN ? ', ...' : '';
  return shape(`returned ${result.length} series, not one (aggregate them, e.g. sum(...) or max(...)): ${shown.join(', ')}${more}`);
}

/** `[ <unix time>, "<value>" ]`: the value is a string so that NaN and ±Inf survive JSON. */
function readSample(pair: unknown, what: string): PrometheusAnswer {
  const text = Array.isArray(pair) && pair.length === 2 ? pair[1] : undefined;
  if (typeof text !== 'string') {
    return unavailable(`answered ${what} in a form that is not [time, "value"]: ${excerpt(JSON.stringify(pair) ?? '')}`);
  }
  const value = parseSampleValue(text);
  if (value === undefined) return unavailable(`answered ${what} with ${JSON.stringify(text)}, which is not a number`);
  return { kind: 'value', value };
}

/**
 * Prometheus writes sample values with Go's strconv ("0.5", "1e-07", "NaN",
 * "+Inf", "-Inf"). Number() alone would take "" as 0 and "0x1f" as 31, so the
 * text is held to that form first.
 */
export function parseSampleValue(text: string): number | undefined {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** `http_requests_total{code="500",job="app"}`, as Prometheus prints a series. */
function seriesName(metric: unknown): string {
  if (!isRecord(metric)) return '{}';
  const { __name__: name, ...labels } = metric;
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(String(value))}`);
  return `${typeof name === 'string' ? name : ''}{${pairs.join(',')}}`;
}

function shape(message: string): PrometheusAnswer {
  return { kind: 'error', problem: 'shape', message: `the query ${message}` };
}

function unavailable(message: string): PrometheusAnswer {
  return { kind: 'error', problem: 'unavailable', message };
}

function excerpt(body: string): string {
  const line = oneLine(body);
  if (line === '') return '(empty body)';
  return line.length > BODY_SHOWN ? `${line.slice(0, BODY_SHOWN)}...` : line;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
