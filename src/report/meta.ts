/** What every reporter gets besides the findings document (ESLint-style `(doc, meta) => output`). */
import type { Inventory } from '../model/inventory.js';

export interface ReportMeta {
  /** The run's inventory, when inventory.json is at hand: feeds the Instances/Images sheets. */
  inventory?: Inventory;
  /** The run's remediation.sh text, shown whole in the HTML report. */
  remediationScript?: string;
  /** When the report was rendered (ISO 8601); the run's own times are in doc.run. */
  generatedAt: string;
  toolVersion: string;
}
