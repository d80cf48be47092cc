/**
 * `amigov sandbox`: runs the local AWS (EC2, STS, Organizations) in the foreground, seeded from the demo
 * organization, a fixture file or the generator, and prints what to paste to point the AWS CLI, SDKs or amigov
 * at it. Stops cleanly on SIGINT / SIGTERM.
 */
import type { Command } from 'commander';
import { cliIo } from '../io.js';
import { quote } from 'shell-quote';
import { EXIT, UserError } from '../errors.js';
import type { GenerateOptions, OrgFixture } from '../../sandbox/index.js';

interface SandboxCliOptions {
  fixture?: string;
  generate?: string;
  port: string;
  host: string;
  latencyMs?: string;
  throttling?: boolean;
}

const GENERATE_KEYS: Record<string, keyof GenerateOptions> = {
  accounts: 'accounts',
  regions: 'regions',
  populated: 'populatedRegionsPerAccount',
  instances: 'instancesPerRegion',
  images: 'ownedImagesPerRegion',
  golden: 'goldenImagesPerRegion',
  seed: 'seed',
};

/** `accounts=50,regions=17,instances=100,seed=1` -> GenerateOptions */
export function parseGenerateSpec(spec: string): GenerateOptions {
  const opts: Partial<Record<keyof GenerateOptions, number>> = { seed: 1 };
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+)=(\d+)$/.exec(part);
    const key = m ? GENERATE_KEYS[m[1]!] : undefined;
    if (!m || !key) {
      throw new UserError(
        `--generate: cannot read ${JSON.stringify(part)}`, { hint: `Use comma-separated key=number pairs with keys ${Object.keys(GENERATE_KEYS).join(', ')}; e.g. --generate accounts=50,regions=17,instances=100,seed=1` },
      );
    }
    opts[key] = Number(m[2]);
  }
  if (!opts.accounts) throw new UserError('--generate needs accounts=N (N >= 1)', { hint: 'e.g. --generate accounts=50' });
  return opts as GenerateOptions;
}

function wholeNumber(flag: string, value: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) > max) throw new UserError(`${flag} ${JSON.stringify(value)} is not a whole number between 0 and ${max}`);
  return Number(value);
}

export function register(program: Command): void {
  program
    .command('sandbox')
    .summary('run the local AWS sandbox (EC2, STS, Organizations on 127.0.0.1)')
    .description('run the local AWS sandbox (EC2, STS, Organizations on 127.0.0.1) in the foreground until Ctrl+C')
    .option('--fixture <file>', 'organization fixture JSON (default: the bundled demo organization)')
    .option('--generate <spec>', 'generate a synthetic organization instead, e.g. accounts=50,regions=17,populated=1,instances=100,images=20,seed=1')
    .option('--port <port>', 'port to listen on (0 = any free port)', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--latency-ms <n>', 'delay added to every response, in milliseconds')
    .option('--throttling', "enable EC2 / STS / Organizations throttling with AWS's documented token buckets")
    .addHelpText(
      'after',
      '\nExamples:\n  amigov sandbox                                   # the demo organization on a free port\n' +
        '  amigov sandbox --port 4599 --latency-ms 50 --throttling\n' +
        '  amigov sandbox --generate accounts=200,regions=17,seed=7\n\nDocs: docs/sandbox.md',
    )
    .action(async (opts: SandboxCliOptions) => {
      // Loaded when the command runs, not when it is registered (README, Layout).
      const { demoOrg, generateOrg, loadFixture, startSandbox } = await import('../../sandbox/index.js');
      if (opts.fixture && opts.generate) throw new UserError('--fixture and --generate cannot be used together', { hint: 'Pick one source for the organization.' });
      const fixture: OrgFixture = opts.fixture ? loadFixture(opts.fixture) : opts.generate ? generateOrg(parseGenerateSpec(opts.generate)) : demoOrg;
      const port = wholeNumber('--port', opts.port, 65535);
      const latencyMs = opts.latencyMs !== undefined ? wholeNumber('--latency-ms', opts.latencyMs, 600_000) : 0;
      let sb;
      try {
        sb = await startSandbox({ fixture, port, host: opts.host, latencyMs, throttling: opts.throttling === true });
      } catch (err) {
        throw new UserError(`cannot listen on ${opts.host}:${port}: ${(err as Error).message}`, { hint: 'Choose another --port, or --port 0 for any free port.' });
      }
      const c = sb.credentials;
      const env = `AWS_ENDPOINT_URL=${sb.endpoint} AWS_ACCESS_KEY_ID=${c.accessKeyId} AWS_SECRET_ACCESS_KEY=${quote([c.secretAccessKey])} AWS_REGION=us-east-1`;
      const out = (s: string) => cliIo.stdout.write(`${s}\n`);
      out(`amigov sandbox: ${fixture.accounts.length} accounts, ${fixture.instances.length} instances, ${fixture.images.length} images` + (opts.fixture ? ` from ${opts.fixture}` : opts.generate ? ' (generated)' : ' (demo organization)'));
      out(`Endpoint: ${sb.endpoint}  (EC2, STS and Organizations)`);
      out(`Caller:   account ${fixture.caller.accountId}${latencyMs ? `; latency ${latencyMs} ms` : ''}${opts.throttling ? '; throttling on' : ''}`);
      out('');
      out('Point the AWS CLI, SDKs or amigov at it:');
      out(`  export ${env}`);
      out('');
      out('Try:');
      out('  aws ec2 describe-images --owners self');
      out(`  aws --endpoint-url ${sb.endpoint} sts get-caller-identity`);
      out('');
      out('Press Ctrl+C to stop.');

      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          cliIo.stderr.write(`\namigov sandbox: ${signal}, stopping (${sb.stats().total} requests served)\n`);
          sb.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      process.exitCode = EXIT.OK;
    });
}
