/** Small text helpers shared by the CLI, the reports and the remediation script. */

/** "1 finding", "2 findings", "0 findings". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${pluralWord(n, word, many)}`;
}

/** The word alone, for a label beside a number shown apart: "instance" for 1, "instances" otherwise. */
export function pluralWord(n: number, word: string, many = `${word}s`): string {
  return n === 1 ? word : many;
}
