import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import vm from 'node:vm';
import { decodeCodeCache } from './codeCacheFile.js';

/** What the CommonJS bundle (src/bin/main.ts, bundled) exports. */
export interface BundleExports {
  main(argv?: readonly string[]): Promise<void>;
}

/**
 * accepted: V8 used the cache. rejected: V8 refused it (another Node, other V8 flags).
 * damaged: the file is not the one the build wrote for this bundle. missing: no cache file.
 */
export type CodeCacheUse = 'accepted' | 'rejected' | 'damaged' | 'missing';

export interface LoadedBundle {
  exports: BundleExports;
  codeCache: CodeCacheUse;
  /** The compiled bundle: the build asks it for the code cache once it has run (scripts/recordCodeCache.js). */
  script: vm.Script;
}

/**
 * Compile and evaluate the CommonJS bundle the way require() would, but with
 * V8's code cache produced at build time, which spares most of the parsing and
 * compiling of start-up. The cache is only ever an optimisation: a missing,
 * damaged or refused one means compiling from source, never a failure.
 */
export function loadBundle(bundlePath: string, cacheFile?: string): LoadedBundle {
  const bundleFile = resolve(bundlePath);
  const bundle = readFileSync(bundleFile);
  // The build keeps the bundle ASCII, which decodes as latin1 in a tenth of the time of UTF-8.
  const source = bundle.toString(isAscii(bundle) ? 'latin1' : 'utf8');
  const cache = cacheFile === undefined ? undefined : readCache(cacheFile);
  const cachedData = cache && decodeCodeCache(cache, bundle);
  const script = new vm.Script(Module.wrap(source), {
    filename: bundleFile,
    cachedData,
    // No importModuleDynamically: the bundle holds no import() (scripts/bundle.ts sees to it).
  });
  const codeCache: CodeCacheUse = !cache ? 'missing' : !cachedData ? 'damaged' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  // A real module of the package, so that the externals (better-sqlite3, ssh2, pm2) resolve from its node_modules.
  const module = new Module(bundleFile);
  module.filename = bundleFile;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(bundleFile));
  wrapper.call(module.exports, module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
  module.loaded = true;
  return { exports: module.exports as BundleExports, codeCache, script };
}

function readCache(cacheFile: string): Buffer | undefined {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}
