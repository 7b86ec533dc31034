// Cuts a token stream into sentences, the unit every AI reply is scanned in before anyone sees it
// (SPEC §8). A sentence ends at . ! ? … (with closing quotes or brackets) followed by whitespace,
// or at a line break. A run with no end is cut at a space once it is long, so a model that never
// punctuates cannot hold text back indefinitely. Pieces are raw slices: joined, they are the input.

const DEFAULT_MAX_CHARS = 280;
const BOUNDARY = /[.!?…]+["'”’)\]]*\s+|\n+/g;

export class SentenceSplitter {
  private buffer = "";

  constructor(private readonly maxChars = DEFAULT_MAX_CHARS) {}

  /** Adds a token; returns the sentences it completed (possibly none). */
  push(token: string): string[] {
    this.buffer += token;
    const out: string[] = [];
    for (;;) {
      BOUNDARY.lastIndex = 0;
      const match = BOUNDARY.exec(this.buffer);
      // A boundary at the very end may still grow ("?!" then more whitespace): wait for the next token.
      if (match && match.index + match[0].length < this.buffer.length) {
        const end = match.index + match[0].length;
        out.push(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end);
        continue;
      }
      if (this.buffer.length > this.maxChars) {
        const cut = this.buffer.lastIndexOf(" ", this.maxChars);
        const end = cut > 0 ? cut + 1 : this.maxChars;
        out.push(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end);
        continue;
      }
      return out;
    }
  }

  /** The unfinished rest, once the stream has ended. */
  end(): string[] {
    const rest = this.buffer;
    this.buffer = "";
    return rest === "" ? [] : [rest];
  }
}
