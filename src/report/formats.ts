/**
 * The report formats and the `--format` parser, apart from the writers (src/report/index.ts) so that commands can
 * name the formats in their --help without loading exceljs or Handlebars (issue #18: commands load what they use).
 */
import { UserError } from '../errors.js';

export const REPORT_FORMATS = ['html', 'xlsx', 'csv', 'rollout', 'json', 'jsonl', 'ocsf', 'asff', 'summary'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * Parses a `--format` value such as "html,xlsx" (case-insensitive, spaces allowed, "all" = every
 * format). Throws a UserError naming the valid formats.
 */
export function parseFormats(value: string | string[]): ReportFormat[] {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (parts.length === 0) throw new UserError('--format is empty', { hint: `Use one or more of ${REPORT_FORMATS.join(', ')}, comma-separated.` });
  const out: ReportFormat[] = [];
  for (const p of parts) {
    if (p === 'all') return [...REPORT_FORMATS];
    if (!(REPORT_FORMATS as readonly string[]).includes(p)) {
      throw new UserError(`unknown report format "${p}"`, { hint: `Use one or more of ${REPORT_FORMATS.join(', ')} (comma-separated), or "all".` });
    }
    if (!out.includes(p as ReportFormat)) out.push(p as ReportFormat);
  }
  return out;
}
