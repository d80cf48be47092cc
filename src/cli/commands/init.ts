/**
 * `amigov init [DIR]`: starts a governance repository. Writes a starter config/ami_publishers.json (the seed's
 * example with placeholders and notes on what to change) and, with --ci, the CI pipeline of the user's choice
 * plus the packed amigov it installs (vendor/amigov.tgz), so the pipeline runs as written without a published
 * package name. Never overwrites: when any file it would write exists, it writes nothing (exit 2).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { cliIo } from '../io.js';
import { UserError } from '../errors.js';
import { DEFAULT_CONFIG_PATH } from '../../config/names.js';
import { parseAsOf } from '../../util/dates.js';
import { PACKAGE_ROOT } from '../../util/paths.js';

/** The CI examples shipped in docs/ci/, and where each goes in the user's repository. */
export const CI_EXAMPLES = {
  github: { source: 'docs/ci/github-actions.yml', target: '.github/workflows/ami-governance.yml' },
  gitlab: { source: 'docs/ci/gitlab-ci.yml', target: '.gitlab-ci.yml' },
} as const;
export type CiChoice = keyof typeof CI_EXAMPLES;

/** The packed amigov the CI examples install (`npm install --global ./vendor/amigov.tgz`). */
export const VENDORED_PACKAGE = 'vendor/amigov.tgz';
/** The line of each CI example that names what to install; --package replaces its value. */
const PACKAGE_LINE = /^(\s*AMIGOV_PACKAGE:\s*).*$/m;

/** Packs the running amigov (its package.json "files") into `target`: what the CI examples install. */
function packSelf(target: string): void {
  const tmp = mkdtempSync(join(tmpdir(), 'amigov-init-'));
  try {
    // --ignore-scripts: the installed package is already built (no prepare/build step to run).
    const r = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp, PACKAGE_ROOT], { encoding: 'utf8' });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (r.status !== 0 || !tgz) {
      throw new UserError(`cannot pack amigov into ${target}: npm pack ${r.error ? `did not run (${r.error.message})` : `failed: ${(r.stderr || r.stdout).trim()}`}`, {
        kind: 'fatal',
        hint: 'Install npm (it comes with Node.js), or pass --package SPEC to install amigov from somewhere else in CI (e.g. a git URL).',
      });
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(tmp, tgz), target);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

interface InitFlags {
  ci?: CiChoice;
  package?: string;
  asOf?: string;
}

export function register(program: Command): void {
  program
    .command('init')
    .summary('start a governance repository: a starter config and, with --ci, a CI pipeline')
    .description(`write a starter ${DEFAULT_CONFIG_PATH} (placeholders and notes on what to change) and, with --ci, a CI pipeline into DIR`)
    .argument('[dir]', 'folder to write into (created if needed)', '.')
    .addOption(new Option('--ci <system>', 'also write this CI pipeline (and vendor/amigov.tgz, which it installs)').choices(Object.keys(CI_EXAMPLES)))
    .option('--package <spec>', `what the CI pipeline installs instead of ${VENDORED_PACKAGE} (an npm install spec, e.g. a git URL); no tarball is written`)
    .option('--as-of <date>', 'date the example exception is approved, YYYY-MM-DD (default: today, UTC)')
    .addHelpText(
      'after',
      `
Files written (relative to DIR); none is ever overwritten, and when one exists nothing is written (exit 2):
  ${DEFAULT_CONFIG_PATH}                    the allowlist: replace the placeholder account ids
  ${CI_EXAMPLES.github.target}   with --ci github
  ${CI_EXAMPLES.gitlab.target}                          with --ci gitlab
  ${VENDORED_PACKAGE}                             with --ci (unless --package): the amigov the pipeline installs

Examples:
  amigov init                       # config/ami_publishers.json in the current folder
  amigov init ami-governance --ci github
  amigov init . --ci gitlab --package git+https://git.example.com/platform/amigov.git#v0.1.0`,
    )
    .action(async (dir: string, flags: InitFlags) => {
      // The config code (zod) loads when the command runs, not for --help (issue #18).
      const { validateConfig } = await import('../../config/load.js');
      const { starterConfig } = await import('../../config/starter.js');
      const { writeFileAtomic } = await import('../../util/atomic-write.js'); // node:crypto
      const today = parseAsOf(flags.asOf);
      if (flags.package !== undefined && !flags.ci) throw new UserError('--package names what a CI pipeline installs: use it with --ci github or --ci gitlab');
      if (flags.package !== undefined && (flags.package.trim() === '' || /[\n\r]/.test(flags.package))) throw new UserError(`--package ${JSON.stringify(flags.package)} is not an npm install spec`);
      const root = resolve(dir);
      const config = starterConfig(today);
      validateConfig(config, DEFAULT_CONFIG_PATH); // the starter must be a valid config as written

      const files: { rel: string; write: (abs: string) => void }[] = [
        { rel: DEFAULT_CONFIG_PATH, write: (abs) => writeFileAtomic(abs, JSON.stringify(config, null, 2) + '\n') },
      ];
      if (flags.ci) {
        const example = CI_EXAMPLES[flags.ci];
        let text = readFileSync(join(PACKAGE_ROOT, example.source), 'utf8');
        if (flags.package !== undefined) text = text.replace(PACKAGE_LINE, `$1${JSON.stringify(flags.package)}`);
        files.push({ rel: example.target, write: (abs) => writeFileAtomic(abs, text) });
        if (flags.package === undefined) files.push({ rel: VENDORED_PACKAGE, write: (abs) => packSelf(abs) });
      }

      const existing = files.filter((f) => existsSync(join(root, f.rel))).map((f) => f.rel);
      if (existing.length) {
        throw new UserError(`${existing.map((f) => join(relative(process.cwd(), root) || '.', f)).join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'}; amigov init never overwrites a file, so nothing was written`, {
          hint: 'Move the file away (or run amigov init in another folder) to get a fresh copy; `amigov config check` validates the config you have.',
        });
      }
      for (const f of files) {
        const abs = join(root, f.rel);
        mkdirSync(dirname(abs), { recursive: true });
        f.write(abs);
      }

      const shown = (rel: string) => relative(process.cwd(), join(root, rel)) || rel;
      const out = (s = '') => cliIo.stdout.write(s + '\n');
      for (const f of files) out(`✓ Wrote ${shown(f.rel)}`);
      out();
      out('Next steps:');
      out(`  1. Edit ${shown(DEFAULT_CONFIG_PATH)}: replace the placeholder account ids (its metadata.setup notes say what each field is).`);
      const inDir = root === process.cwd() ? '' : `cd ${relative(process.cwd(), root)} && `;
      out(`  2. ${inDir}amigov config check && amigov policy generate --mode audit_mode   # policies/ for the audit phase`);
      out('  3. Deploy the read-only scan role to every account: amigov iam --help (CloudFormation StackSet, Terraform).');
      out('  4. amigov scan --role-name amigov-scan');
      if (flags.ci) out(`  5. Commit ${files.map((f) => f.rel).join(', ')}; the pipeline's comments say which secrets and schedules to set.`);
      out('  The whole first hour: docs/getting-started.md in the amigov package.');
    });
}
