/**
 * Dev-set grid for the lexical generator's `prefixStem` (docs/tuning.md): ESCO held-out
 * alternative labels (loader `esco-heldout`, seed 29) in the 12 MELO languages that have no
 * Snowball stemmer in natural. Reads ESCO's labels from ../shared/data/melo/corpus (the
 * vocabulary), never MELO's queries. Prints Success@1 per language and prefix, the paired
 * bootstrap 95% CI against the first prefix, and the means.
 *
 * Usage: tsx eval/tune-stem.ts [--preset jobs|lexical] [--full] [prefix...]
 *   --full: the whole preset (trained encoder, hubness correction); else its lexical generator alone.
 */
import { pairedBootstrap } from '../src/metrics/bootstrap.js';
import { parseMetric, scoreQuery } from '../src/metrics/metrics.js';
import { parsePipeline } from '../src/pipeline/config.js';
import { preset } from '../src/pipeline/presets.js';
import { evalWorkspace, linkBenchmarkRun } from './shared.js';

const LANGS = ['bg', 'cs', 'da', 'et', 'hr', 'hu', 'lt', 'lv', 'pl', 'ro', 'sk', 'sl'];
const args = process.argv.slice(2);
const full = args.includes('--full');
const at = args.indexOf('--preset');
const presetName = at >= 0 ? args[at + 1]! : 'jobs';
const prefixes = args.filter((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--preset').map(Number);
if (!prefixes.length) prefixes.push(0, 4, 5, 6, 7);
const SUCCESS1 = [parseMetric('success@1')];

const ws = evalWorkspace('tune-stem');
const sums = new Map<number, number>();
for (const lang of LANGS) {
  let first: number[] | undefined;
  let line = lang;
  for (const prefixStem of prefixes) {
    const base = preset(presetName);
    const lexical = { ...base.generators[0], prefixStem };
    const config = full
      ? parsePipeline({ ...base, generators: [lexical, ...base.generators.slice(1)] })
      : parsePipeline({ name: `${presetName}-lexical`, normalize: base.normalize, generators: [{ ...lexical, commonGrams: undefined }], ties: base.ties });
    const { results } = await linkBenchmarkRun(ws, 'esco-heldout', { lang }, config, 5);
    const per = results.map(({ result, gold }) => scoreQuery(result.candidates.map((c) => c.conceptId), new Map(gold.map((g) => [g, 1])), SUCCESS1)!['success@1']!);
    const mean = per.reduce((a, b) => a + b, 0) / per.length;
    sums.set(prefixStem, (sums.get(prefixStem) ?? 0) + mean);
    line += ` ${prefixStem}: ${mean.toFixed(4)}`;
    if (!first) {
      first = per;
      line += ` (${per.length} queries)`;
    } else {
      const d = pairedBootstrap(first, per);
      line += ` [${(d.lo * 100).toFixed(1)}, ${(d.hi * 100).toFixed(1)}]`;
    }
  }
  console.log(line);
}
console.log(`mean ${[...sums].map(([p, s]) => `${p}: ${(s / LANGS.length).toFixed(4)}`).join(' ')}`);
ws.close();
