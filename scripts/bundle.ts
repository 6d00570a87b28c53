/**
 * Builds dist/rewind.bundle.cjs, the program bin/rewind.js runs, then its V8 code cache.
 * Usage: node --import tsx scripts/bundle.ts (npm run bundle, part of npm run build)
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolve, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { writeCodeCache } from './writeCodeCache.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundleFile = `${root}dist/rewind.bundle.cjs`;
const cacheFile = `${bundleFile}.cache`;

// V8 checks a cache against its source by length only: a cache left from an older bundle must
// never sit next to a new one, so it goes first and is only written again from the new bundle.
await rm(cacheFile, { force: true });
// The ESM bundle this one replaced.
await rm(`${root}dist/rewind.bundle.mjs`, { force: true });

/**
 * A package's compiled addon (ssh2's sshcrypto.node) stays where npm put it:
 * the bundle requires it by its path inside the package, which Node finds in
 * node_modules wherever the package was installed.
 */
const nativeAddons: Plugin = {
  name: 'native-addons',
  setup(on) {
    on.onResolve({ filter: /\.node$/ }, (args) => {
      const file = resolve(args.resolveDir, args.path);
      const at = file.lastIndexOf(`${sep}node_modules${sep}`);
      if (at === -1) return { errors: [{ text: `native addon outside node_modules: ${file}` }] };
      return { path: file.slice(at + `${sep}node_modules${sep}`.length).split(sep).join('/'), external: true };
    });
  },
};

/**
 * dockerode's BuildKit session (gRPC and protobuf, 150-450 ms to load) serves
 * only image builds, which rewind never asks for: the bundle gets a stand-in
 * that says so, and the rest of dockerode is bundled and code-cached.
 */
const noBuildKitSession: Plugin = {
  name: 'no-buildkit-session',
  setup(on) {
    on.onResolve({ filter: /^\.\/session$/ }, (args) =>
      (args.importer.includes(`${sep}dockerode${sep}lib${sep}`) ? { path: 'dockerode-session', namespace: 'stand-in' } : undefined));
    on.onLoad({ filter: /^dockerode-session$/, namespace: 'stand-in' }, () => ({
      contents: "module.exports = function withSession() { throw new Error('rewind builds no images: no BuildKit session'); };",
      loader: 'js',
    }));
  },
};

/**
 * @kubernetes/client-node is large (6 MB bundled): in the main bundle its code cache would cost
 * every command about 40 ms of start-up. It gets a bundle of its own, dist/kubernetes-client.cjs,
 * which the main bundle requires only when a kubernetes environment is first used.
 */
const KUBERNETES_CLIENT = 'kubernetes-client.cjs';
const kubernetesApart: Plugin = {
  name: 'kubernetes-apart',
  setup(on) {
    on.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: 'kubernetes-client', namespace: 'stand-in' }));
    on.onResolve({ filter: new RegExp(`^\\./${KUBERNETES_CLIENT.replace('.', '\\.')}$`) }, (args) => ({ path: args.path, external: true }));
    on.onLoad({ filter: /^kubernetes-client$/, namespace: 'stand-in' }, () => ({
      contents: `module.exports = require('./${KUBERNETES_CLIENT}');`,
      loader: 'js',
    }));
  },
};

await build({
  stdin: { contents: "export * from '@kubernetes/client-node';", resolveDir: root, loader: 'js' },
  outfile: `${root}dist/${KUBERNETES_CLIENT}`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['cpu-features'],
  plugins: [nativeAddons],
  minifyWhitespace: true,
  charset: 'ascii',
  logLevel: 'warning',
});

const { metafile } = await build({
  entryPoints: [`${root}src/bin/main.ts`],
  outfile: bundleFile,
  bundle: true,
  platform: 'node',
  // CommonJS rather than ESM: it can be compiled with a code cache (vm.Script), and a module
  // reached only through import() (ssh2 behind src/exec/ssh/connect.ts) is evaluated only when used.
  format: 'cjs',
  target: 'node20',
  // Native addons, and packages that find their own files at run time, load from node_modules.
  // ssh2 is bundled (so its code is in the code cache: it loads before every remote command's
  // first packet), all but its native addon, which nativeAddons leaves to node_modules; so is
  // dockerode, behind import() in src/drivers/docker/engine.ts, without its BuildKit session.
  external: ['better-sqlite3', 'cpu-features', 'pm2', 'pg-native'],
  plugins: [nativeAddons, noBuildKitSession, kubernetesApart],
  // import.meta does not exist in CommonJS: give it the bundle's own file...
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl', 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
  // ...and fail the build on any other use of it, which esbuild would otherwise replace with {}.
  logOverride: { 'empty-import-meta': 'error' },
  // Drops the comments, the only place esbuild leaves non-ASCII text: an ASCII bundle loads faster
  // (src/bin/loadBundle.ts). Names stay, so stack traces (--verbose) still say where.
  minifyWhitespace: true,
  charset: 'ascii',
  logLevel: 'warning',
  metafile: true,
});

// esbuild turns import() of a bundled module into a require, but leaves import() of an external
// as is, which the bundle cannot run: with a code cache, vm.Script in Node 20 loses the dynamic
// import callback (and without one, asking for Node's own prints an experimental warning).
// Externals loaded on demand go through require (src/ledger/betterSqlite3.ts).
const dynamicImports = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external && i.kind === 'dynamic-import'));
if (dynamicImports.length > 0) {
  throw new Error(`bundle: import() of a package left out of the bundle cannot run in it; require it instead: ${dynamicImports.map((i) => i.path).join(', ')}`);
}

await writeCodeCache(bundleFile, cacheFile);
