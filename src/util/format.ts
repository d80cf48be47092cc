/** Small text helpers shared by the CLI, the reports and the remediation script. */

/** "1 finding", "2 findings", "0 findings". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${pluralWord(n, word, many)}`;
}

/** The word alone, for a label beside a number shown apart: "instance" for 1, "instances" otherwise. */
export function pluralWord(n: number, word: string, many = `${word}s`): string {
  return n === 1 ? word : many;
}

/**
 * `n` with thousands separators, as n.toLocaleString('en-US') writes it ("12,345"), without that call's cost:
 * its first use in a process loads ICU's locale data, about 25 ms of CPU (a quarter of `amigov policy generate`'s
 * start-up budget, issue #18). Whole numbers only; anything else goes to toLocaleString.
 */
export function thousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
