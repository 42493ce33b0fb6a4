/**
 * The bounded heap of a concept search (`LexicalIndex.search`): the best k concepts, each
 * with its best term and that term's view scores. Kept in parallel typed arrays (no objects
 * per entry) because every touched term above the floor is offered to it.
 */
import { ranksBefore } from '../core/rank.js';

function swapIn(a: Float64Array | Int32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * The best k concepts (a min-heap: the root is the worst kept), each with its best term.
 * `slotOf` (shared, all −1 between searches) finds a concept already in the heap, so a
 * better term of it raises its score instead of adding it twice.
 */
export class ConceptHeap {
  private readonly score: Float64Array;
  private readonly concept: Int32Array;
  private readonly term: Int32Array;
  private readonly char: Float64Array;
  private readonly word: Float64Array;
  private size = 0;
  /** Scores below this cannot enter (−∞ until the heap is full). */
  floor = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly k: number,
    private readonly ids: readonly string[],
    private readonly slotOf: Int32Array,
  ) {
    this.score = new Float64Array(k);
    this.concept = new Int32Array(k);
    this.term = new Int32Array(k);
    this.char = new Float64Array(k);
    this.word = new Float64Array(k);
  }

  /** Whether slot i ranks after slot j. */
  private worse(i: number, j: number): boolean {
    return ranksBefore(this.score[j]!, this.ids[this.concept[j]!]!, this.score[i]!, this.ids[this.concept[i]!]!);
  }

  private swap(i: number, j: number): void {
    swapIn(this.score, i, j);
    swapIn(this.char, i, j);
    swapIn(this.word, i, j);
    swapIn(this.concept, i, j);
    swapIn(this.term, i, j);
    this.slotOf[this.concept[i]!] = i;
    this.slotOf[this.concept[j]!] = j;
  }

  private set(i: number, score: number, concept: number, term: number, char: number, word: number): void {
    this.score[i] = score;
    this.concept[i] = concept;
    this.term[i] = term;
    this.char[i] = char;
    this.word[i] = word;
    this.slotOf[concept] = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.worse(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  offer(score: number, concept: number, term: number, char: number, word: number): void {
    const slot = this.slotOf[concept]!;
    if (slot >= 0) {
      // Already kept: a better term (or, on a tie, the earlier one) replaces its best term.
      if (score > this.score[slot]! || (score === this.score[slot]! && term < this.term[slot]!)) {
        this.set(slot, score, concept, term, char, word);
        this.down(slot);
        if (this.size === this.k) this.floor = this.score[0]!;
      }
      return;
    }
    if (this.size < this.k) {
      const i = this.size++;
      this.set(i, score, concept, term, char, word);
      this.up(i);
      if (this.size === this.k) this.floor = this.score[0]!;
      return;
    }
    if (!ranksBefore(score, this.ids[concept]!, this.score[0]!, this.ids[this.concept[0]!]!)) return;
    this.slotOf[this.concept[0]!] = -1;
    this.set(0, score, concept, term, char, word);
    this.down(0);
    this.floor = this.score[0]!;
  }

  /** Resets the shared slot table for the next search. */
  release(): void {
    for (let i = 0; i < this.size; i++) this.slotOf[this.concept[i]!] = -1;
  }

  sorted(): Array<{ score: number; concept: number; term: number; char: number; word: number }> {
    const out = Array.from({ length: this.size }, (_, i) => ({ score: this.score[i]!, concept: this.concept[i]!, term: this.term[i]!, char: this.char[i]!, word: this.word[i]! }));
    return out.sort((a, b) => (ranksBefore(a.score, this.ids[a.concept]!, b.score, this.ids[b.concept]!) ? -1 : ranksBefore(b.score, this.ids[b.concept]!, a.score, this.ids[a.concept]!) ? 1 : 0));
  }
}
