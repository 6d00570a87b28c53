import { z } from 'zod';
import { commandList } from '../../core/configParts.js';

const source = z.union([
  z.strictObject({
    git: z.string().meta({ description: 'A git repository (path or URL) to export the release from with `git archive`.' }),
    ref: z.string().default('{version}').meta({ description: 'The ref to export; {version} is substituted.' }),
  }),
  z.strictObject({
    dir: z.string().meta({ description: 'A directory copied into the release; {version} is substituted.' }),
  }),
  z.strictObject({
    tarball: z.string().meta({ description: 'A .tar, .tgz or .tar.gz unpacked into the release; {version} is substituted.' }),
    strip_components: z.number().int().min(0).default(0).meta({
      description: 'Leading path components to drop when unpacking (1 for npm pack tarballs).',
    }),
  }),
], {
  error: 'expected one of { git: ., ref: "{version}" }, { dir: ./build } or { tarball: ./dist/{version}.tgz }',
}).meta({
  description: 'Where a release is made from: exactly one of { git, ref }, { dir } or { tarball, strip_components }.',
});

export const releasesSchema = z
  .strictObject({
    path: z.string().meta({
      description: 'Holds releases/<version>/, shared/ and the symlink current; relative to the config file or absolute.',
    }),
    keep: z.number().int().min(1).default(5).meta({
      description: 'Releases kept on disk; pruning never removes the live or the last known good release.',
    }),
    source,
    build: commandList.default([]).meta({ description: 'Commands run inside the new release dir, in order.' }),
    shared: z.array(z.string()).default([]).meta({ description: 'Paths linked from shared/ into every release (.env, uploads).' }),
  })
  .meta({ description: 'The releases driver: releases/<version>/ dirs and an atomically swapped current symlink.' });

export type ReleasesConfig = z.infer<typeof releasesSchema>;
export type SourceConfig = ReleasesConfig['source'];
