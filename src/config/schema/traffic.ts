import { z } from 'zod';
import { boundedDuration, command } from '../../core/configParts.js';
import { isHttpUrl } from './health.js';

const port = z
  .number({ error: 'expected a TCP port, a whole number from 1 to 65535' })
  .int('expected a TCP port, a whole number from 1 to 65535')
  .min(1, 'expected a TCP port, a whole number from 1 to 65535')
  .max(65535, 'expected a TCP port, a whole number from 1 to 65535');

const slot = (name: string) =>
  z
    .strictObject({
      port: port.meta({ description: `The port the ${name} slot's copy of the app listens on: {port} in its commands and health URL.` }),
    })
    .meta({ description: `The ${name} slot: { port }.` });

const slotsSchema = z
  .strictObject({ blue: slot('blue'), green: slot('green') })
  .superRefine((slots, ctx) => {
    if (slots.blue.port === slots.green.port) {
      ctx.addIssue({
        code: 'custom',
        path: ['green', 'port'],
        message: `expected a port other than blue's (${slots.blue.port}): two versions cannot listen on one port`,
      });
    }
  })
  .meta({ description: 'The two slots, each running one version on its own port: { blue: { port }, green: { port } }.' });

const proxyUrl = z
  .string()
  .refine(
    (url) => isHttpUrl(url.replaceAll('{host}', 'example.invalid')),
    'expected an http:// or https:// URL such as http://127.0.0.1:8080/health',
  )
  .meta({ description: 'The health URL through the proxy (what users reach), e.g. http://127.0.0.1:8080/health; {host}: each host.' });

/** nginx's upstream names are identifiers: the name goes into the file rewind writes, so nothing else may. */
const UPSTREAM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** A host name, an IPv4 address or an IPv6 address (bare or in brackets): what goes before :port in `server`. */
const PROXY_HOST = new RegExp(`^(?:\\{host\\}|${LABEL}(?:\\.${LABEL})*|\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\\]?)$`);

const nginxSchema = z
  .strictObject({
    type: z.literal('nginx').meta({ description: 'nginx: an upstream file rewind writes, then `nginx -t` and a reload.' }),
    upstream_file: z
      .string()
      .min(1)
      .meta({
        description:
          'The file holding the upstream block, included by nginx\'s config (e.g. /etc/nginx/conf.d/shop-upstream.conf); ' +
          'rewind rewrites it at every switch, atomically (a temp file beside it, then a rename). {host} in it, in test, reload ' +
          'and url: the host\'s address.',
      }),
    upstream: z
      .string()
      .regex(UPSTREAM_NAME, 'expected an nginx upstream name: letters, digits, "_", "." or "-", such as shop')
      .meta({ description: 'The upstream block\'s name, as proxy_pass names it (proxy_pass http://shop;).' }),
    host: z
      .string()
      .regex(PROXY_HOST, 'expected a host name or an IP address such as 127.0.0.1')
      .default('127.0.0.1')
      .meta({ description: 'The slots\' address as nginx reaches them; {host}: each host\'s own address.' }),
    test: command
      .default(['nginx', '-t'])
      .meta({ description: 'Validates nginx\'s config with the new upstream file before the reload; a failure switches nothing.' }),
    reload: command.default(['nginx', '-s', 'reload']).meta({ description: 'Makes nginx read the new upstream file.' }),
    url: proxyUrl,
  })
  .meta({ description: 'nginx: rewind writes the upstream file, tests the config and reloads nginx.' });

const haproxySchema = z
  .strictObject({
    type: z.literal('haproxy').meta({ description: 'HAProxy: its runtime API on the admin socket, no reload.' }),
    socket: z
      .string()
      .min(1)
      .meta({
        description:
          'HAProxy\'s admin socket (its runtime API: `stats socket /run/haproxy/admin.sock level admin`); switching is ' +
          'a runtime change, no reload.',
      }),
    backend: z
      .string()
      .min(1)
      .regex(/^[^\s/;#]+$/, 'expected a backend name such as shop (no spaces, "/", ";" or "#")')
      .meta({ description: 'The backend that holds both slots\' servers.' }),
    servers: z
      .strictObject({
        blue: z.string().regex(/^[^\s/;#]+$/, 'expected a server name such as blue').default('blue'),
        green: z.string().regex(/^[^\s/;#]+$/, 'expected a server name such as green').default('green'),
      })
      .prefault({})
      .superRefine((servers, ctx) => {
        if (servers.blue === servers.green) {
          ctx.addIssue({ code: 'custom', path: ['green'], message: `expected a server other than blue's ("${servers.blue}")` });
        }
      })
      .meta({ description: 'The server names of each slot in that backend: { blue, green } (default: blue and green).' }),
    url: proxyUrl,
  })
  .meta({ description: 'HAProxy: rewind sets the slots\' servers ready and drain over the runtime API.' });

const proxySchema = z
  .discriminatedUnion('type', [nginxSchema, haproxySchema], {
    // Only the discriminator is judged here; a known type's own keys keep their own messages.
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const given = (issue.input as { type?: unknown } | undefined)?.type;
      return given === undefined ? 'missing: expected nginx or haproxy' : 'expected a proxy type: nginx or haproxy';
    },
  })
  .meta({ description: 'The proxy in front of the slots: { type: nginx, upstream_file, ... } or { type: haproxy, socket, ... }.' });

export const trafficSchema = z
  .strictObject({
    slots: slotsSchema,
    keep_warm: boundedDuration('keepWarm')
      .prefault('10m')
      .meta({ description: 'How long the old slot keeps running after a switch; a rollback inside it is a proxy switch back.' }),
    proxy: proxySchema,
    stop: command.optional().meta({
      description: 'Stops a slot\'s copy of the app once it takes no traffic (after a rollback), with {slot} and {port}, e.g. ' +
        '["pm2", "delete", "shop-{slot}"]; a driver that runs containers stops its slot\'s own. Without it the slot is left running.',
    }),
  })
  .meta({ description: 'Blue/green: two slots on their own ports behind a proxy; a switch moves the traffic, not the app.' });

export type TrafficSection = z.infer<typeof trafficSchema>;
