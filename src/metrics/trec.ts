/**
 * TREC run and qrels files.
 *
 *   qrels: `qid iter docno rel` (whitespace-separated; iter is ignored)
 *   run:   `qid Q0 docno rank score tag` (anything after the sixth field is ignored)
 *
 * As in trec_eval, a run's rank column is ignored: each query's documents are re-sorted
 * by score with `compareRanked` (score descending, docno descending on ties).
 */
import { InputError, type InputProblem } from '../core/errors.js';
import { compareRanked, type Scored } from '../core/rank.js';

export type Qrels = Map<string, Map<string, number>>;
export type Run = Map<string, Scored[]>;

function lines(text: string): Array<[number, string[]]> {
  return text
    .split(/\r?\n/)
    .map((l, i): [number, string[]] => [i + 1, l.trim().split(/\s+/)])
    .filter(([, f]) => f.length > 0 && f[0] !== '');
}

export function parseQrels(text: string, file = 'qrels'): Qrels {
  const qrels: Qrels = new Map();
  const problems: InputProblem[] = [];
  for (const [line, f] of lines(text)) {
    const rel = Number(f[3]);
    if (f.length < 4 || !Number.isFinite(rel)) {
      problems.push({ file, line, reason: 'malformed-row', message: 'expected "qid iter docno relevance"' });
      continue;
    }
    let q = qrels.get(f[0]!);
    if (!q) qrels.set(f[0]!, (q = new Map()));
    q.set(f[2]!, rel);
  }
  if (problems.length) throw new InputError(problems.slice(0, 20), problems.length);
  return qrels;
}

export function parseRun(text: string, file = 'run'): { run: Run; tag?: string } {
  const run: Run = new Map();
  const problems: InputProblem[] = [];
  let tag: string | undefined;
  for (const [line, f] of lines(text)) {
    const score = Number(f[4]);
    if (f.length < 6 || !Number.isFinite(score)) {
      problems.push({ file, line, reason: 'malformed-row', message: 'expected "qid Q0 docno rank score tag"' });
      continue;
    }
    tag ??= f[5];
    let q = run.get(f[0]!);
    if (!q) run.set(f[0]!, (q = []));
    q.push({ id: f[2]!, score });
  }
  if (problems.length) throw new InputError(problems.slice(0, 20), problems.length);
  for (const list of run.values()) list.sort(compareRanked);
  return { run, ...(tag ? { tag } : {}) };
}

/** Writes a run; each list is sorted with `compareRanked` and numbered from rank 1. */
export function formatRun(run: Run, tag = 'normkit'): string {
  const out: string[] = [];
  for (const [qid, list] of run) {
    [...list].sort(compareRanked).forEach((c, i) => out.push(`${qid} Q0 ${c.id} ${i + 1} ${Number(c.score.toPrecision(9))} ${tag}`));
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

export function formatQrels(qrels: Qrels): string {
  const out: string[] = [];
  for (const [qid, docs] of qrels) for (const [doc, rel] of docs) out.push(`${qid} 0 ${doc} ${rel}`);
  return out.length ? `${out.join('\n')}\n` : '';
}
