/**
 * TopScores: the k best (score, index) pairs offered, in a bounded min-heap. Ties keep the
 * lower index; `sorted()` returns score descending, then index ascending. Used by the
 * lexical term search and the exact vector search.
 */
export class TopScores {
  private readonly s: Float64Array;
  private readonly i: Int32Array;
  private n = 0;
  /** Scores below this cannot enter (−∞ until full; just under the worst kept score, so ties are still offered). */
  floor = Number.NEGATIVE_INFINITY;

  constructor(private readonly k: number) {
    this.s = new Float64Array(Math.max(1, k));
    this.i = new Int32Array(Math.max(1, k));
  }

  /** Whether slot a ranks after slot b. */
  private worse(a: number, b: number): boolean {
    return this.s[a]! < this.s[b]! || (this.s[a] === this.s[b] && this.i[a]! > this.i[b]!);
  }

  private swap(a: number, b: number): void {
    const ts = this.s[a]!;
    this.s[a] = this.s[b]!;
    this.s[b] = ts;
    const ti = this.i[a]!;
    this.i[a] = this.i[b]!;
    this.i[b] = ti;
  }

  offer(score: number, index: number): void {
    if (this.k <= 0) return;
    if (this.n < this.k) {
      let c = this.n++;
      this.s[c] = score;
      this.i[c] = index;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!this.worse(c, p)) break;
        this.swap(c, p);
        c = p;
      }
    } else {
      if (score < this.s[0]! || (score === this.s[0] && index > this.i[0]!)) return;
      this.s[0] = score;
      this.i[0] = index;
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        const r = l + 1;
        let m = c;
        if (l < this.n && this.worse(l, m)) m = l;
        if (r < this.n && this.worse(r, m)) m = r;
        if (m === c) break;
        this.swap(c, m);
        c = m;
      }
    }
    if (this.n === this.k) this.floor = this.s[0]! - Number.EPSILON;
  }

  sorted(): Array<{ index: number; score: number }> {
    const out = Array.from({ length: this.n }, (_, j) => ({ index: this.i[j]!, score: this.s[j]! }));
    return out.sort((a, b) => b.score - a.score || a.index - b.index);
  }
}
