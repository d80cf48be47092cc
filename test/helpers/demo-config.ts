/** The demo's publisher config, as `amigov demo` builds it (the shipped config plus the partner exception), validated. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/load.ts';
import type { PublisherConfig } from '../../src/config/schema.ts';
import { demoConfig } from '../../src/sandbox/fixtures/demo-config.ts';
import { DEMO_AS_OF } from '../../src/sandbox/fixtures/demo-org.ts';
import { PACKAGE_ROOT } from '../../src/util/paths.ts';

export function demoPublisherConfig(asOf: string = DEMO_AS_OF): PublisherConfig {
  const shipped = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'config', 'ami_publishers.json'), 'utf8')) as Record<string, unknown>;
  return validateConfig(demoConfig(shipped, asOf), 'config/ami_publishers.json + demo exception');
}
