/**
 * The same image criteria as the declarative policy, in the EC2 API's shape, for accounts the
 * organization's policy does not reach (standalone accounts, the management account, a pilot):
 *   aws ec2 replace-image-criteria-in-allowed-images-settings --cli-input-json file://allowed-images-criteria.cli.json
 *   aws ec2 enable-allowed-images-settings --allowed-images-settings-state audit-mode   # or enabled
 * Field names are the API's: ImageCriteria[].ImageProviders, providers with hyphens (aws-marketplace).
 */
import type { CliCriteriaInput } from './syntax.js';
import { chunkProviders, normalizeProviders } from './providers.js';

export function buildCliCriteria(providers: readonly string[]): CliCriteriaInput {
  return { ImageCriteria: chunkProviders(normalizeProviders(providers)).map((chunk) => ({ ImageProviders: chunk })) };
}

export function summarizeCliCriteria(input: CliCriteriaInput): string[] {
  return normalizeProviders(input.ImageCriteria.flatMap((c) => c.ImageProviders));
}

/** API state for the enable-allowed-images-settings call from a declarative-policy mode. */
export function apiStateFor(mode: 'audit_mode' | 'enabled'): 'audit-mode' | 'enabled' {
  return mode === 'audit_mode' ? 'audit-mode' : 'enabled';
}
