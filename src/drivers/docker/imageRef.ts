/**
 * An image reference as the engine reads it (the distribution grammar:
 * `[registry[:port]/]path[:tag][@digest]`), checked before it reaches the
 * engine so that a bad one is a config error naming the value, not an
 * engine message halfway through a switch. Pure.
 */
import { RewindError } from '../../core/errors.js';
import { expandItem } from '../../core/template.js';

export interface ImageRef {
  /** As given, with the version substituted: what is pulled and shown. */
  text: string;
  /** The registry host (and port), or docker.io. */
  registry: string;
  /** The repository without registry, tag or digest: `shop`, `library/busybox`. */
  repository: string;
  tag: string | null;
  digest: string | null;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?';
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([a-z0-9]+:[a-f0-9]{32,}))?$`,
);

/** docker.image for one version. */
export function imageFor(template: string, version: string): ImageRef {
  return parseImageRef(expandItem(template, { version }));
}

export function parseImageRef(text: string): ImageRef {
  const match = REFERENCE.exec(text);
  if (!match || text.length > 255) {
    throw new RewindError(
      'CONFIG_INVALID',
      `docker.image ${JSON.stringify(text)} is not a valid image reference: expected [registry[:port]/]name[:tag][@digest], ` +
        'lowercase name, such as "registry.example.com/shop:{version}"',
      { field: 'docker.image', value: text },
    );
  }
  const [, first, rest, tag, digest] = match;
  // As the engine decides: the first part is a registry when it has a dot, a port, or is localhost.
  const isRegistry = first !== undefined && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = isRegistry ? first : 'docker.io';
  const path = isRegistry ? (rest as string) : first === undefined ? (rest as string) : `${first}/${rest}`;
  const repository = registry === 'docker.io' && !path.includes('/') ? `library/${path}` : path;
  return { text, registry, repository, tag: tag ?? null, digest: digest ?? null };
}

/** What `docker pull` is given: the reference with `latest` when it names no tag or digest. */
export function pullable(ref: ImageRef): string {
  return ref.tag === null && ref.digest === null ? `${ref.text}:latest` : ref.text;
}
