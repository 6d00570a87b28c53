import { z } from 'zod';
import { boundedDuration, command } from '../../core/configParts.js';

/** A container name as the engine allows it (its own rule), with room for rewind's `-<version>-<time>` suffix. */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

/**
 * What the very first container is made with, when the engine has none under
 * docker.container yet. From then on each switch carries the live
 * container's own configuration over (see carry.ts): this section is not read again.
 */
const firstContainer = z
  .strictObject({
    network: z.string().default('host').meta({ description: 'The network mode: host, none, or a network\'s name.' }),
    env: z.record(z.string(), z.string()).default({}).meta({
      description: 'Environment variables, as NAME: value; with `traffic:`, PORT: "{port}" puts each slot\'s container on its own port.',
    }),
    volumes: z.array(z.string()).default([]).meta({
      description: 'Bind mounts as "source:destination[:ro]"; with `traffic:`, "/srv/shop/{slot}:/data" gives each slot its own.',
    }),
    restart: z.enum(['no', 'always', 'unless-stopped', 'on-failure']).default('unless-stopped')
      .meta({ description: 'The restart policy.' }),
    command: command.optional().meta({
      description: 'The command, when not the image\'s own; with `traffic:`, {slot} and {port} in it are the slot\'s name and port.',
    }),
    user: z.string().optional().meta({ description: 'The user the container runs as, when not the image\'s own.' }),
  })
  .meta({
    description:
      'How the first container is made when none runs under docker.container yet ({host}: the host\'s address in env, ' +
      'volumes and command; with `traffic:`, {slot} and {port} are the slot\'s name and port there too); later switches ' +
      "carry the live container's configuration instead.",
  });

export const dockerSchema = z
  .strictObject({
    socket: z.string().optional().meta({
      description: "The engine's Unix socket on each host ({host}: its address); default: DOCKER_HOST (unix:// only), " +
        'else /var/run/docker.sock.',
    }),
    container: z.string().regex(CONTAINER_NAME, 'expected a container name: letters, digits, "_", ".", "-", at most 64')
      .meta({
        description: 'The name of the container that serves the app; with `traffic:`, each slot runs its own container, ' +
          '<container>-<slot> (shop-web-blue and shop-web-green for shop-web).',
      }),
    image: z.string().meta({ description: 'The image a version runs, with {version}: "registry.example.com/shop:{version}".' }),
    keep: z.number().int().min(1).default(5).meta({
      description: 'Old containers (stopped) and their images kept; pruning never removes the live one or the last known good.',
    }),
    stop_timeout: boundedDuration('containerStop').prefault('10s').meta({
      description: 'How long the live container may take to stop before the engine kills it.',
    }),
    healthy_timeout: boundedDuration('containerHealthy').prefault('60s').meta({
      description: "How long a new container's Docker HEALTHCHECK may take to report healthy, when its image has one.",
    }),
    create: firstContainer.prefault({}),
  })
  .meta({
    description: 'The docker driver: one container per host (with `traffic:`, one per slot), switched between images through ' +
      'the Docker Engine API.',
  });

export type DockerConfig = z.infer<typeof dockerSchema>;
export type FirstContainerConfig = DockerConfig['create'];
