/**
 * Node's module compile cache for the built CLI (issue #18). cli/main.ts imports this module first, so every
 * module loaded after it (the command's action: zod, the config, the policy generators, the AWS SDK) is compiled
 * from V8 code cache kept on disk instead of from source. Node's documentation (Modules: node:module API,
 * "Module compile cache"): "This may slow down the first load of a module graph, but subsequent loads of the same
 * module graph may get a significant speedup if the contents of the modules do not change." The cache is per Node
 * version and per module content, so a rebuilt dist/ or another Node never reads a stale entry.
 *
 * Where: module.enableCompileCache() without a directory uses "the NODE_COMPILE_CACHE=dir environment variable if
 * it's set, or defaults to path.join(os.tmpdir(), 'node-compile-cache') otherwise". Off switch: "The enabled
 * module compile cache can be disabled by the NODE_DISABLE_COMPILE_CACHE=1 environment variable." It never makes
 * the CLI fail: the method "is designed to not throw any exception when the compile cache cannot be enabled"
 * (an unwritable directory only leaves the cache off). Node < 22.1 has no such method: nothing happens.
 *
 * Only the built CLI (dist/, what users run) turns it on; from source (tsx, the tests) it stays off.
 */
import * as nodeModule from 'node:module';
import { invokedAsCli } from './node-version.js';

type EnableCompileCache = () => { status: number; message?: string; directory?: string } | undefined;

/**
 * Turns the cache on when this Node has it; returns the directory it uses, or undefined when it is off. `node` is
 * node:module (a test passes a stand-in: an object, since an explicit undefined would select the default).
 */
export function enableCompileCache(node: { enableCompileCache?: EnableCompileCache } = nodeModule as { enableCompileCache?: EnableCompileCache }): string | undefined {
  const enable = node.enableCompileCache;
  if (typeof enable !== 'function') return undefined;
  try {
    return enable()?.directory;
  } catch {
    return undefined; // a quiet optimization: never a reason for the CLI to fail
  }
}

if (invokedAsCli() && import.meta.url.endsWith('.js')) enableCompileCache();
