/** Scan progress on stderr: a live bar on a terminal, a line every few seconds otherwise, nothing with --quiet. */
import cliProgress from 'cli-progress';
import type { ScanProgress } from '../scan/scanner.js';
import { terminalSafe } from '../util/sanitize.js';

export function progressReporter(stderr: NodeJS.WritableStream & { isTTY?: boolean }, quiet: boolean, intervalMs = 5000) {
  if (quiet) return { update: (_p: ScanProgress) => {}, warn: (_m: string) => {}, stop: () => {} };
  let last: ScanProgress | undefined;
  const line = (p: ScanProgress) =>
    `amigov scan: ${p.phase}: ${p.unitsDone}/${p.unitsTotal} account-regions, ${p.accountsDone}/${p.accountsTotal} accounts, ` +
    `${p.apiCalls} API calls, ${p.retries} retries, ${p.throttled} throttled, ${p.status.error + p.status['access-denied']} not scanned\n`;
  if (stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stderr as NodeJS.WritableStream as never,
        format: ' {bar} {value}/{total} account-regions | accounts {accounts} | API calls {calls} | retries {retries} | errors {errors} | {phase}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p: ScanProgress) {
        const payload = {
          accounts: `${p.accountsDone}/${p.accountsTotal}`,
          calls: p.apiCalls,
          retries: p.retries,
          errors: p.status.error + p.status['access-denied'],
          phase: p.phase,
        };
        if (!started) {
          bar.start(Math.max(p.unitsTotal, 1), p.unitsDone, payload);
          started = true;
        } else {
          if (bar.getTotal() !== Math.max(p.unitsTotal, 1)) bar.setTotal(Math.max(p.unitsTotal, 1));
          bar.update(p.unitsDone, payload);
        }
      },
      warn(m: string) {
        // Printed above the bar so it stays readable.
        stderr.write(`\namigov: warning: ${terminalSafe(m)}\n`);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  const timer = setInterval(() => last && stderr.write(line(last)), intervalMs);
  timer.unref();
  return {
    update(p: ScanProgress) {
      const first = !last;
      last = p;
      if (first) stderr.write(line(p));
    },
    warn(m: string) {
      stderr.write(`amigov: warning: ${terminalSafe(m)}\n`);
    },
    stop() {
      clearInterval(timer);
      if (last) stderr.write(line(last));
    },
  };
}
