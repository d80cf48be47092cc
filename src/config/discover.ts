/**
 * Which publisher config a command reads, in this order: `--config PATH`, then the AMIGOV_CONFIG
 * environment variable, then ./config/ami_publishers.json in the working directory. Every command that
 * reads the config (scan, evaluate, policy generate | validate | diff, config check, demo) calls this, so an
 * installed amigov works from any folder. A missing file is reported by loadConfig, with this order and
 * how to create a config (`amigov init`).
 */
import { CONFIG_ENV, DEFAULT_CONFIG_PATH } from './names.js';

export { CONFIG_ENV, CONFIG_FLAG_HELP } from './names.js';

export type ConfigSource = 'flag' | 'env' | 'default';

export interface DiscoveredConfig {
  path: string;
  source: ConfigSource;
}

/** The config a command reads: --config, else $AMIGOV_CONFIG, else ./config/ami_publishers.json. */
export function discoverConfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): DiscoveredConfig {
  if (flag !== undefined && flag !== '') return { path: flag, source: 'flag' };
  const fromEnv = env[CONFIG_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { path: fromEnv, source: 'env' };
  return { path: DEFAULT_CONFIG_PATH, source: 'default' };
}

/** discoverConfig's path. */
export function configPathFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return discoverConfig(flag, env).path;
}
