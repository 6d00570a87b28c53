import { html } from 'hono/html';

/** A small line of weekly values (oldest first), as inline SVG with the values in its title. */
export function sparkline(values: readonly number[], label: string) {
  if (values.length < 2) return html``;
  const [w, h] = [120, 24];
  const top = Math.max(...values, 1);
  const point = (v: number, i: number) => `${((i / (values.length - 1)) * w).toFixed(1)},${(h - 2 - (v / top) * (h - 4)).toFixed(1)}`;
  const points = values.map(point).join(' ');
  return html`<svg class="sparkline" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${label}">
<title>${label}: ${values.join(', ')}</title><polyline class="spark" points="${points}"/></svg>`;
}
