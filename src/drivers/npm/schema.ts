import { z } from 'zod';
import { boundedDuration } from '../../core/configParts.js';

/** An npm package name, scoped or not, as the registry allows it. */
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export const npmSchema = z
  .strictObject({
    package: z.string().max(214).regex(PACKAGE_NAME, 'expected an npm package name such as "widget" or "@acme/widget"')
      .meta({ description: 'The package whose dist-tag is the deployment.' }),
    registry: z.url({ protocol: /^https?$/, error: 'expected the registry\'s http(s) URL' }).default('https://registry.npmjs.org/')
      .meta({ description: 'The registry, over its HTTP API (no npm CLI needed).' }),
    tag: z.string().regex(/^[A-Za-z][A-Za-z0-9._-]{0,63}$/, 'expected a dist-tag name such as "latest"').default('latest')
      .meta({ description: 'The dist-tag that is moved: what users get.' }),
    token_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name').default('NPM_TOKEN')
      .meta({ description: 'The variable holding the registry token; the token is never written anywhere.' }),
    timeout: boundedDuration('healthTimeout').prefault('60s')
      .meta({ description: 'How long verification waits for the registry to show the tag moved (registries replicate).' }),
  })
  .meta({ description: "The npm driver: a package's dist-tag on a registry, moved to a verified version and back." });

export type NpmConfig = z.infer<typeof npmSchema>;
