import { z } from 'zod';

/** A glob of include/exclude: relative, `/`-separated, never climbing out with `..`. */
const pattern = z
  .string()
  .refine((p) => p.trim() !== '' && !p.startsWith('/') && !p.split('/').includes('..'), {
    message: 'expected a relative path or glob inside the source, without a leading "/" or "..", such as "agents" or "*.log"',
  });

const source = z.union([
  z.strictObject({
    dir: z.string().meta({ description: 'A directory packed into the version\'s tarball; {version} is substituted.' }),
  }),
  z.strictObject({
    tarball: z.string().meta({
      description: 'A .tar or .tar.gz made elsewhere (CI): its entries are checked, then repacked; {version} is substituted.',
    }),
  }),
], { error: 'expected { dir: ./dist } or { tarball: ./dist/{version}.tar.gz }' }).meta({
  description: 'What a deploy packs: exactly one of { dir } or { tarball }.',
});

export const archiveSchema = z
  .strictObject({
    path: z.string().meta({
      description: 'The directory deployed and restored; relative to the config file or absolute. ' +
        '<path>.staging/ and <path>.previous are kept beside it.',
    }),
    store: z.string().meta({
      description: 'Where <version>.tar.gz (with <version>.tar.gz.sha256 beside it) and the backups of broken versions are kept.',
    }),
    source,
    include: z.array(pattern).default([]).meta({
      description: 'What a deploy packs, as paths or globs from the source root (`*`, `?`, `**`); a dir brings everything ' +
        'under it. Default: everything but exclude.',
    }),
    exclude: z.array(pattern).default([]).meta({
      description: 'Left out of a deploy: a pattern without "/" matches a name at any depth (.git, node_modules, *.log), ' +
        'one with "/" a path from the source root.',
    }),
    keep: z.number().int().min(1).default(5).meta({
      description: 'Version tarballs kept in the store; pruning never removes the live one or the last known good.',
    }),
  })
  .meta({ description: 'The archive driver: a directory deployed from, and restored to, verified tarballs.' });

export type ArchiveConfig = z.infer<typeof archiveSchema>;
export type ArchiveSourceConfig = ArchiveConfig['source'];
