/**
 * Lines handed to a sink in chunks of about `chunkChars` characters, so a long text (remediation.sh has 650,000
 * lines at 1,000 accounts) is written piece by piece and never held whole. The chunks, concatenated, are exactly
 * `lines.join('\n') + '\n'` (a pushed item may itself hold line breaks); the counts are of that text.
 */
/** The number of line breaks (`\n`) in a text. */
export function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export class ChunkedLines {
  private pending: string[] = [];
  private pendingChars = 0;
  /** Line breaks written so far: the text's number of lines, once ended. */
  lines = 0;
  /** UTF-8 bytes written so far. */
  bytes = 0;

  constructor(
    private readonly sink: (chunk: string) => void,
    private readonly chunkChars = 256 * 1024,
  ) {}

  push(...items: string[]): void {
    for (const item of items) {
      this.pending.push(item);
      this.pendingChars += item.length + 1;
    }
    if (this.pendingChars >= this.chunkChars) this.flush();
  }

  /** Hands on what is pending. */
  end(): void {
    this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('\n') + '\n';
    this.pending = [];
    this.pendingChars = 0;
    this.lines += countLineBreaks(chunk);
    this.bytes += Buffer.byteLength(chunk);
    this.sink(chunk);
  }
}
