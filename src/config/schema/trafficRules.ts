/**
 * The rules `traffic:` brings to an environment, beyond its own schema:
 * blue/green needs a driver that can run two versions side by side, and a
 * health URL that reaches each slot on its own port ({port}); `{slot}` and
 * `{port}` mean nothing without it, so a command using them is refused at
 * its own line rather than run with the text `{port}` in it.
 */
import type { DriverModule } from '../../core/driver.js';
import { SLOT_PLACEHOLDERS } from '../../core/template.js';

export interface TrafficIssue {
  path: (string | number)[];
  message: string;
}

interface EnvShape {
  traffic?: unknown;
  health?: { url: string };
  reload?: readonly string[];
  smoke: readonly (readonly string[])[];
  diagnostics: readonly (readonly string[])[];
}

export function trafficIssues(env: EnvShape & Record<string, unknown>, module: DriverModule, all: readonly DriverModule[]): TrafficIssue[] {
  if (env.traffic !== undefined) {
    if (module.slots !== true) {
      const slotted = all.filter((d) => d.slots === true).map((d) => d.kind).join(', ');
      return [{
        path: ['traffic'],
        message: `driver "${module.kind}" runs one version at a time: blue/green needs a driver that runs two side by side (${slotted})`,
      }];
    }
    if (env.health === undefined) {
      return [{ path: ['traffic'], message: 'blue/green needs a health: section whose url has {port}: each slot is verified on its own ' +
        'port before traffic moves to it' }];
    }
    if (!env.health.url.includes('{port}')) {
      return [{ path: ['health', 'url'], message: 'expected {port} in the URL (http://127.0.0.1:{port}/health): with traffic:, each slot ' +
        'is verified on its own port before traffic moves to it' }];
    }
    return [];
  }
  const places: Array<[(string | number)[], unknown]> = [
    [['reload'], env.reload], [['smoke'], env.smoke], [['diagnostics'], env.diagnostics], [['health', 'url'], env.health?.url],
    [[module.kind], env[module.kind]],
  ];
  return places.flatMap(([path, value]) => stringsIn(value, path)).flatMap(({ path, text }) => {
    const used = SLOT_PLACEHOLDERS.find((name) => text.includes(`{${name}}`));
    return used === undefined ? [] : [{
      path,
      message: `{${used}} stands for a blue/green slot's ${used === 'port' ? 'port' : 'name'}: it needs a traffic: section ` +
        '(without one it would stay as the text {' + used + '})',
    }];
  });
}

function stringsIn(value: unknown, path: (string | number)[]): { path: (string | number)[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringsIn(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => stringsIn(item, [...path, key]));
  }
  return [];
}
