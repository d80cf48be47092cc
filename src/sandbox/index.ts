/**
 * The local AWS sandbox: EC2, STS and Organizations over their real wire protocols on 127.0.0.1, seeded from an
 * organization fixture. See docs/sandbox.md.
 */
export { startSandbox } from './server.js';
export type { RunningSandbox, SandboxOptions } from './server.js';
export type { FaultSpec, SandboxStats, ThrottleSettings, BucketSpec, RegionLatency } from './knobs.js';
export { DEFAULT_THROTTLE, RegionLatencyModel, regionLatencySchema } from './knobs.js';
export type * from './fixture-types.js';
export {
  demoOrg,
  DEMO_AS_OF,
  DEMO_ACCOUNTS,
  DEMO_APPROVED_PROVIDERS,
  DEMO_IMAGES,
  DEMO_INSTANCES,
  DEMO_LAUNCH_TEMPLATES,
  HOSTILE,
} from './fixtures/demo-org.js';
export { generateOrg, GENERATED_IDS } from './generator.js';
export type { GenerateOptions } from './generator.js';
export { loadFixture, parseFixture, FixtureError } from './fixture-schema.js';
