/** Small text helpers shared by the CLI, the reports and the remediation script. */

/** "1 finding", "2 findings", "0 findings". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
