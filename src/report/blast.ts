/**
 * The blast radius (findings.json impact.blastRadius, issue #14) as report data: the HTML's "Rollout" and
 * "What breaks when" sections (OU tree with breakage counts, safe OUs marked; a timeline table and a small
 * inline SVG) and the XLSX's Rollout, Timeline and Blast Radius sheets. Data shaping only: markup lives in
 * templates/partials/blast-radius.hbs; every value reaches the HTML through Handlebars' escaping and the
 * XLSX/CSV through the formula guard.
 */
import type { BlastRadius, FindingsDocument, LaunchPathKind, LayerCounts } from '../model/findings.js';
import { LAUNCH_PATH_KINDS } from '../model/findings.js';
import type { Column } from './rows.js';
import { plural } from '../util/format.js';

export const PATH_LABELS: Record<LaunchPathKind, string> = {
  instance: 'instances',
  'launch-template': 'launch templates',
  'auto-scaling-group': 'Auto Scaling groups',
  'ec2-fleet': 'EC2 Fleets',
  'spot-fleet': 'Spot Fleets',
};

/** The same, for one. */
export const PATH_LABEL_ONE: Record<LaunchPathKind, string> = {
  instance: 'instance',
  'launch-template': 'launch template',
  'auto-scaling-group': 'Auto Scaling group',
  'ec2-fleet': 'EC2 Fleet',
  'spot-fleet': 'Spot Fleet',
};

type RolloutNode = BlastRadius['rollout'][number];
type TimelineEvent = BlastRadius['timeline']['events'][number];
type RootCause = BlastRadius['images'][number];

const byPathText = (c: Record<LaunchPathKind, number>) =>
  LAUNCH_PATH_KINDS.filter((k) => c[k] > 0)
    .map((k) => plural(c[k], PATH_LABEL_ONE[k], PATH_LABELS[k]))
    .join(', ');

const verdictText = (n: RolloutNode, layer: 'declarativePolicy' | 'scp') =>
  (layer === 'declarativePolicy' ? n.safeForDeclarativePolicy : n.safeForScp)
    ? 'safe to enforce now'
    : n.counts[layer] > 0
      ? `${n.counts[layer]} break`
      : 'unknown (not fully judged)';

const SVG_WIDTH = 640;
const SVG_LEFT = 10;
const SVG_RIGHT = 630;

/** The HTML view of the blast radius; null when the document has none (older files). */
export function blastView(doc: FindingsDocument) {
  const r = doc.impact.blastRadius;
  if (!r) return null;
  const names = new Map(doc.accounts.map((a) => [a.accountId, a.name]));
  const span = Math.max(1, r.timeline.horizonDays);
  const dayOf = (d: string) => Math.round((Date.parse(`${d}T00:00:00Z`) - Date.parse(`${r.timeline.from}T00:00:00Z`)) / 86_400_000);
  const xOf = (d: string) => Math.round(SVG_LEFT + ((SVG_RIGHT - SVG_LEFT) * Math.min(span, Math.max(0, dayOf(d)))) / span);
  const total = (c: LayerCounts) => c.scp + c.unavailable;
  return {
    paths: LAUNCH_PATH_KINDS.map((k) => ({ label: PATH_LABELS[k], ...r.byPath[k] })).filter((p) => p.declarativePolicy + p.scp + p.unavailable + p.cannotVerify > 0),
    rollout: r.rollout.map((n) => ({
      id: n.id,
      name: n.name,
      path: n.path.join(' / '),
      accounts: n.accounts,
      declarativePolicy: verdictText(n, 'declarativePolicy'),
      scp: verdictText(n, 'scp'),
      safeDp: n.safeForDeclarativePolicy,
      safeScp: n.safeForScp,
      byPath: byPathText(n.byPath),
      cannotVerify: n.counts.cannotVerify,
      notFullyScanned: n.accountsNotFullyScanned,
    })),
    safeCount: r.rollout.filter((n) => n.safeForScp || n.safeForDeclarativePolicy).length,
    rootCauses: r.images.slice(0, 20).map((i) => ({
      imageId: i.imageId,
      name: i.imageName ?? '',
      owner: i.imageOwnerId ?? '',
      region: i.region,
      reason: i.reason,
      blockedBy: i.blockedBy ?? 'gone',
      count: i.paths.length,
      paths:
        i.paths.length > 0
          ? byPathText(Object.fromEntries(LAUNCH_PATH_KINDS.map((k) => [k, i.paths.filter((p) => p.kind === k).length])) as Record<LaunchPathKind, number>)
          : 'no launch path amigov reads; only the references below',
      accounts: [...new Set(i.paths.map((p) => (names.get(p.accountId) ? `${names.get(p.accountId)} (${p.accountId})` : p.accountId)))].join(', '),
      references: (i.references ?? []).map((r) => `${r.note} (account ${r.accountId})`),
    })),
    moreRootCauses: Math.max(0, r.images.length - 20),
    timeline: {
      from: r.timeline.from,
      until: r.timeline.until,
      horizonDays: r.timeline.horizonDays,
      empty: r.timeline.events.length === 0,
      events: r.timeline.events.map((e) => ({
        date: e.date,
        expiryDate: e.expiryDate,
        account: names.get(e.exceptionAccountId) ? `${names.get(e.exceptionAccountId)} (${e.exceptionAccountId})` : e.exceptionAccountId,
        ticket: e.ticket,
        flips: total(e.counts),
        byPath: byPathText(Object.fromEntries(LAUNCH_PATH_KINDS.map((k) => [k, e.resources.filter((x) => x.kind === k).length])) as Record<LaunchPathKind, number>),
      })),
      svg: {
        width: SVG_WIDTH,
        axisY: 40,
        left: SVG_LEFT,
        right: SVG_RIGHT,
        marks: r.timeline.events.map((e) => ({ x: xOf(e.date), label: `${e.date}: ${total(e.counts)}`, r: Math.min(14, 4 + Math.sqrt(total(e.counts)) * 2) })),
      },
    },
  };
}

// ---- XLSX sheets ---------------------------------------------------------------------------------------------

export const ROLLOUT_COLUMNS: Column<RolloutNode>[] = [
  { header: 'OU Path', width: 40, kind: 'text', value: (n) => n.path.join(' / ') },
  { header: 'OU / Root ID', width: 22, kind: 'id', value: (n) => n.id },
  { header: 'Accounts', width: 10, kind: 'number', value: (n) => n.accounts },
  { header: 'Safe: Declarative Policy', width: 14, kind: 'text', value: (n) => (n.safeForDeclarativePolicy ? 'yes' : 'no') },
  { header: 'Safe: SCP', width: 10, kind: 'text', value: (n) => (n.safeForScp ? 'yes' : 'no') },
  { header: 'Break: Declarative Policy', width: 14, kind: 'number', value: (n) => n.counts.declarativePolicy },
  { header: 'Break: SCP', width: 10, kind: 'number', value: (n) => n.counts.scp },
  { header: 'AMI Gone', width: 10, kind: 'number', value: (n) => n.counts.unavailable },
  { header: 'Cannot Verify', width: 10, kind: 'number', value: (n) => n.counts.cannotVerify },
  { header: 'Accounts Not Fully Scanned', width: 12, kind: 'number', value: (n) => n.accountsNotFullyScanned },
  ...LAUNCH_PATH_KINDS.map((k): Column<RolloutNode> => ({ header: `SCP Breaks: ${PATH_LABELS[k]}`, width: 12, kind: 'number', value: (n) => n.byPath[k] })),
];

export const TIMELINE_COLUMNS: Column<TimelineEvent>[] = [
  { header: 'Date', width: 12, kind: 'text', value: (e) => e.date },
  { header: 'Cause', width: 16, kind: 'text', value: (e) => e.cause },
  { header: 'Exception Account', width: 16, kind: 'id', value: (e) => e.exceptionAccountId },
  { header: 'Ticket', width: 16, kind: 'text', value: (e) => e.ticket },
  { header: 'Expiry Date', width: 12, kind: 'text', value: (e) => e.expiryDate },
  { header: 'Flip to Refused', width: 12, kind: 'number', value: (e) => e.counts.scp },
  { header: 'Resources', width: 80, kind: 'wrap', value: (e) => e.resources.map((x) => `${x.kind} ${x.resourceId} (${x.accountId} ${x.region})`).join('\n') },
];

export const ROOT_CAUSE_COLUMNS: Column<RootCause>[] = [
  { header: 'Image ID', width: 24, kind: 'id', value: (i) => i.imageId },
  { header: 'Image Name', width: 30, kind: 'text', value: (i) => i.imageName },
  { header: 'Owner', width: 16, kind: 'id', value: (i) => i.imageOwnerId },
  { header: 'Region', width: 14, kind: 'text', value: (i) => i.region },
  { header: 'Reason', width: 18, kind: 'text', value: (i) => i.reason },
  { header: 'Blocked By', width: 10, kind: 'text', value: (i) => i.blockedBy ?? '' },
  { header: 'Paths', width: 8, kind: 'number', value: (i) => i.paths.length },
  { header: 'Launch Paths', width: 80, kind: 'wrap', value: (i) => i.paths.map((x) => `${x.kind} ${x.resourceId} (${x.accountId})`).join('\n') },
  { header: 'Other References', width: 80, kind: 'wrap', value: (i) => (i.references ?? []).map((r) => `${r.arn}: ${r.note}`).join('\n') },
];
