/**
 * Fuzzing with fast-check: generated vocabulary files of every importer format, rule packs,
 * texts for normalize and link (Unicode, control characters, bidi overrides, NUL, huge and
 * empty strings), and HTTP bodies and parameters against a real loopback server.
 *
 * Properties: nothing fails with an internal error (an exception that is not one of
 * src/core/errors.ts's user errors, an HTTP 500); an error says what was wrong (a message,
 * and for bad input the file); a failed import leaves the store as it was.
 *
 * Seeded and bounded: FUZZ_SEED (default below) and FUZZ_RUNS (a multiplier of each
 * property's runs, default 1) are printed; `npm run fuzz` runs it with FUZZ_RUNS=20. A
 * failure prints fast-check's seed and counterexample: fix it, and keep the case as a
 * regression test in the suite of what it broke (test/server-errors.test.ts keeps the
 * concept id with a lone "%" that got Fastify's own 400 body, without a request id).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import fc from 'fast-check';
import { ExitCode, InputError, NormkitError } from '../src/core/errors.js';
import { demoDataDir } from '../src/core/paths.js';
import { cleanup } from '../src/normalize/cleanup.js';
import { normalize } from '../src/normalize/engine.js';
import { loadPack } from '../src/normalize/pack.js';
import { Linker } from '../src/pipeline/linker.js';
import { preset } from '../src/pipeline/presets.js';
import { createApiKey } from '../src/server/api-keys.js';
import { VocabStore } from '../src/store/store.js';
import { importVocabulary } from '../src/vocab/import.js';
import { ICD_ROWS, writeEscoCsv, writeIcdOrderFile, writeMeshXml, writeObo, writeOnet } from './helpers/fixtures.js';
import { runCliAsync } from './helpers/cli.js';
import { call, startTestServer } from './helpers/server.js';
import { tempDir } from './helpers/tmp.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261207);
const SCALE = Number(process.env['FUZZ_RUNS'] ?? 1);
/** A property's runs: its default times FUZZ_RUNS. */
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));
const params = (n: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: runs(n), endOnFailure: true });

/** Cases run by each property, printed at the end. */
const counts = new Map<string, number>();
const counted = (name: string): void => void counts.set(name, (counts.get(name) ?? 0) + 1);
console.log(`# fuzz: seed ${SEED}, FUZZ_RUNS ${SCALE}`);
after(() => {
  for (const [name, n] of counts) console.log(`# fuzz: ${name}: ${n} cases`);
});
const report = (t: TestContext, name: string): void => t.diagnostic(`${name}: ${counts.get(name) ?? 0} cases (seed ${SEED})`);

// ------------------------------------------------------------------ generators

/** Pieces that break parsers: control characters, NUL, bidi overrides and isolates, lone surrogates, separators, entities. */
const NASTY = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u202e', '\u202a', '\u2066', '\u2069', '\u200b', '\u200d', '\ufeff', '\ud800', '\udfff', '\r', '\n', '\r\n', '\t', '"', "'", ',', ';', '|', '\\', '<', '>', '&amp;', '&#0;', '&bogus;', '{', '}', '[', ']', ':', '#', '!', '%', '%00', '..', '/', 'ﬁ', 'ß', 'İ', '\u0301', '𝔘', '🩺', ' ', '\u00a0', '\u3000', '(a+)+', '$1', '*'];
const WORDS = ['heart attack', 'myocardial infarction', 'nurse', 'diabetes', 'E11.9', 'I21.9', 'sr. java dev', 'type 2', 'HP:0000118', 'left', 'no'];
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...WORDS) },
);
const shortText = fc.array(piece, { maxLength: 16 }).map((p) => p.join(''));
/** Texts: mostly short nasty ones, some empty, some huge (a repeated piece up to 200,000 characters). */
const text = fc.oneof(
  { weight: 10, arbitrary: shortText },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.tuple(piece, fc.integer({ min: 1000, max: 200_000 })).map(([p, n]) => (p || 'x').repeat(Math.ceil(n / Math.max(1, p.length))).slice(0, n)) },
);

/** Edits of a file's bytes: insertions of nasty pieces or raw bytes, deletions, a duplicated range, a cut. */
type Edit = { op: 'insert'; at: number; bytes: Uint8Array } | { op: 'delete'; at: number; len: number } | { op: 'repeat'; at: number; len: number } | { op: 'cut'; at: number };
const at = fc.double({ min: 0, max: 1, noNaN: true });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), at, bytes: shortText.map((s) => new Uint8Array(Buffer.from(s, 'utf8'))) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), at, bytes: fc.uint8Array({ maxLength: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at, len: fc.integer({ min: 1, max: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('repeat' as const), at, len: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cut' as const), at }) },
);
const edits = fc.array(edit, { minLength: 1, maxLength: 6 });

function applyEdits(bytes: Buffer, list: readonly Edit[]): Buffer {
  let b = bytes;
  for (const e of list) {
    const i = Math.floor(e.at * b.length);
    if (e.op === 'insert') b = Buffer.concat([b.subarray(0, i), e.bytes, b.subarray(i)]);
    else if (e.op === 'delete') b = Buffer.concat([b.subarray(0, i), b.subarray(i + e.len)]);
    else if (e.op === 'repeat') b = Buffer.concat([b.subarray(0, i + e.len), b.subarray(i)]);
    else b = b.subarray(0, i);
  }
  return b;
}

/** The error is one of normkit's user errors, with a message; bad input names its file. */
function assertUserError(err: unknown, what: string): void {
  if (!(err instanceof NormkitError) || err.exitCode === ExitCode.internal) {
    throw new Error(`${what}: an internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  assert.ok(err.message.trim().length > 0, `${what}: an empty message`);
  if (err instanceof InputError) for (const p of err.problems) assert.ok(p.file && p.reason && p.message, `${what}: a problem without file, reason or message: ${JSON.stringify(p)}`);
}

// ------------------------------------------------------------------ importers

/** One valid source per format: where it is, the file the edits change, and the --format name. */
interface Source {
  format: string;
  paths: string[];
  file: string;
}

function sources(dir: string): Source[] {
  mkdirSync(dir, { recursive: true });
  const demo = readFileSync(join(demoDataDir(), 'conditions.jsonl'), 'utf8').split('\n').slice(0, 12).join('\n');
  const jsonl = join(dir, 'v.jsonl');
  writeFileSync(jsonl, demo);
  const esco = join(dir, 'esco');
  writeEscoCsv(esco);
  const onet = join(dir, 'onet');
  writeOnet(onet);
  const mesh = writeMeshXml(join(dir, 'desc2024.xml'));
  const icd = writeIcdOrderFile(join(dir, 'icd10cm_order_2024.txt'), ICD_ROWS);
  const obo = writeObo(join(dir, 'hp.obo'));
  const escoFile = join(esco, readdirSync(esco).find((f) => f.startsWith('occupations'))!);
  const onetFile = join(onet, readdirSync(onet).find((f) => f.startsWith('Occupation'))!);
  return [
    { format: 'jsonl', paths: [jsonl], file: jsonl },
    { format: 'esco', paths: [esco], file: escoFile },
    { format: 'onet', paths: [onet], file: onetFile },
    { format: 'mesh', paths: [mesh], file: mesh },
    { format: 'icd10cm', paths: [icd], file: icd },
    { format: 'obo', paths: [obo], file: obo },
    { format: 'hpo', paths: [obo], file: obo },
    { format: 'doid', paths: [obo], file: obo },
    { format: 'mondo', paths: [obo], file: obo },
  ];
}

/** What a failed import must not change: the vocabulary's row and its counts. */
function snapshot(store: VocabStore, name: string): string {
  return store.hasVocabulary(name) ? JSON.stringify({ v: store.vocabulary(name), stats: store.stats(name) }) : 'absent';
}

describe('fuzz: vocabulary importers', () => {
  for (const format of ['jsonl', 'esco', 'onet', 'mesh', 'icd10cm', 'obo', 'hpo', 'doid', 'mondo']) {
    it(`${format}: an edited file imports or fails with a located error, and a failure changes nothing`, async (t) => {
      const dir = tempDir(t);
      const store = VocabStore.open(join(dir, 'normkit.db'));
      t.after(() => store.close());
      const source = sources(join(dir, 'src')).find((s) => s.format === format)!;
      const original = readFileSync(source.file);
      // The vocabulary is there first, so a failed re-import has something to keep.
      await importVocabulary(store, source.paths, { format, name: 'v' }).catch(() => undefined);
      const name = `import ${format}`;
      await fc.assert(
        fc.asyncProperty(edits, fc.boolean(), fc.boolean(), async (list, detect, skipInvalid) => {
          counted(name);
          writeFileSync(source.file, applyEdits(original, list));
          const before = snapshot(store, 'v');
          try {
            await importVocabulary(store, source.paths, { name: 'v', ...(detect ? {} : { format }), skipInvalid, force: true, allowEmpty: true });
          } catch (err) {
            assertUserError(err, `${format} import`);
            assert.equal(snapshot(store, 'v'), before, 'a failed import changed the store');
          }
        }),
        params(25),
      );
      writeFileSync(source.file, original);
      report(t, name);
    });
  }
});

/** A JSONL concept line: the fields normkit reads, with values of the right and of wrong types. */
const idValue = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('a', 'b', 'c', 'I21.9', 'HP:1', ' ') }, shortText, fc.integer(), fc.constant(null));
const conceptLine = fc.record(
  {
    id: idValue,
    name: fc.oneof({ weight: 6, arbitrary: shortText }, fc.constant(''), fc.integer(), fc.array(fc.string(), { maxLength: 2 })),
    synonyms: fc.oneof({ weight: 4, arbitrary: fc.array(shortText, { maxLength: 3 }) }, shortText, fc.constant(null)),
    terms: fc.array(fc.record({ text: shortText, lang: fc.constantFrom('en', 'de', 'pt-BR', 'zz-@@', '') }, { requiredKeys: [] }), { maxLength: 2 }),
    codes: fc.array(shortText, { maxLength: 2 }),
    parents: fc.oneof({ weight: 4, arbitrary: fc.array(idValue, { maxLength: 3 }) }, idValue),
    types: fc.array(shortText, { maxLength: 2 }),
    xrefs: fc.array(shortText, { maxLength: 2 }),
    description: fc.oneof(shortText, fc.integer()),
    lang: fc.constantFrom('en', 'fr', 'pt-BR', 'zz-@@', 'EN', ''),
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);

describe('fuzz: generated JSONL vocabularies', () => {
  it('generated concept lines import, or fail with a located error and change nothing', async (t) => {
    const dir = tempDir(t);
    const store = VocabStore.open(join(dir, 'normkit.db'));
    t.after(() => store.close());
    const file = join(dir, 'v.jsonl');
    writeFileSync(file, '{"id":"a","name":"alpha"}\n{"id":"b","name":"beta","parents":["a"]}\n');
    await importVocabulary(store, [file], { name: 'v' });
    const name = 'import generated JSONL';
    await fc.assert(
      fc.asyncProperty(fc.array(conceptLine, { minLength: 1, maxLength: 12 }), fc.boolean(), fc.array(fc.constantFrom('en', 'de', 'pt-BR'), { maxLength: 2 }), async (lines, skipInvalid, langs) => {
        counted(name);
        writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
        const before = snapshot(store, 'v');
        try {
          await importVocabulary(store, [file], { name: 'v', format: 'jsonl', skipInvalid, langs, force: true });
        } catch (err) {
          assertUserError(err, 'jsonl import');
          assert.equal(snapshot(store, 'v'), before, 'a failed import changed the store');
        }
      }),
      params(120),
    );
    report(t, name);
  });
});

// ------------------------------------------------------------------ rule packs

/** Mostly `good`, now and then `bad`: a generated pack is often valid as a whole. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>): fc.Arbitrary<T | U> => fc.oneof({ weight: 15, arbitrary: good }, { weight: 1, arbitrary: bad });
const ruleValue = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('heart attack', 'mi', 'sr', '(a+)+$', '\\d+', '[', '{NUM}', '{WORD} dev', '\\b', '(?<=x)y', '(?<n>\\d)', '$1', '$<n>', '$0', '\\p{L}+', '^', '$', '') }, shortText);
/** A rule as the schema wants it (one matcher, one or more actions) or, less often, a wrong one. */
const rule = (depth: number): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .record(
      {
        id: mostly(fc.constantFrom('r1', 'r2', 'r.x', 'a:b'), shortText),
        matcher: fc.oneof(
          fc.record({ literal: fc.oneof(ruleValue, fc.array(ruleValue, { minLength: 1, maxLength: 3 })) }),
          fc.record({ regex: ruleValue }),
          fc.record({ tokens: fc.array(fc.oneof(fc.constantFrom('{NUM}', '{WORD}', '{ROMAN}', '{ANY}', '{NOPE}', 'dev', 'sr'), ruleValue), { minLength: 1, maxLength: 3 }) }),
        ),
        requires: ruleValue,
        caseSensitive: fc.boolean(),
        replace: ruleValue,
        drop: fc.constant(true),
        transform: mostly(fc.constantFrom('singular', 'lower', 'split-identifier'), fc.constant('nope')),
        tag: fc.dictionary(mostly(fc.constantFrom('seniority', 'level'), fc.constant('Bad')), ruleValue, { maxKeys: 2 }),
        code: fc.record({ system: mostly(fc.constant('icd10cm'), fc.constant('')), value: ruleValue }, { requiredKeys: ['system'] }),
        children: depth > 0 ? fc.array(rule(depth - 1), { minLength: 1, maxLength: 2 }) : fc.constant(undefined),
        colour: fc.constant('red'),
      },
      { requiredKeys: ['id', 'matcher'] },
    )
    .map(({ matcher, colour, ...r }) => ({ ...r, ...matcher, ...(colour !== undefined && r.id === 'a:b' && r.caseSensitive === true ? { colour } : {}) }));
const pack = fc.record(
  {
    name: mostly(fc.constant('p'), shortText),
    extends: mostly(fc.constantFrom('jobs', 'medical', 'codes'), fc.constantFrom('nope', './missing.yaml')),
    disable: fc.array(fc.constantFrom('abbr.ai', 'nope'), { maxLength: 2 }),
    classes: fc.dictionary(mostly(fc.constantFrom('A', 'B', 'NUM'), fc.constant('bad name')), fc.array(ruleValue, { minLength: 1, maxLength: 3 }), { maxKeys: 2 }),
    stages: fc.array(fc.record({ name: mostly(fc.constantFrom('expand', 's'), shortText), repeat: fc.boolean(), apply: fc.constantFrom('query', 'both'), rules: fc.array(rule(1), { maxLength: 4 }) }, { requiredKeys: ['name', 'rules'] }), { maxLength: 3 }),
  },
  { requiredKeys: ['name', 'stages'] },
);
/** A pack as YAML or JSON text, sometimes edited into something that does not parse. */
const packText = fc.tuple(pack, fc.boolean(), fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: edits })).map(([p, json, list]) => {
  const text = json ? JSON.stringify(p) : toYaml(p);
  return list ? applyEdits(Buffer.from(text), list).toString('utf8') : text;
});

/** YAML flow style: JSON with every string quoted as YAML reads it. */
function toYaml(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/\u2028|\u2029/g, ' ');
}

describe('fuzz: rule packs and normalize', () => {
  it('a generated pack compiles or fails with a located InputError; a compiled pack normalizes any text', async (t) => {
    const dir = tempDir(t);
    const name = 'rule pack';
    let file = 0;
    fc.assert(
      fc.property(packText, fc.array(text, { maxLength: 3 }), (p, texts) => {
        counted(name);
        const path = join(dir, `p${file++}.yaml`);
        writeFileSync(path, p);
        let compiled;
        try {
          compiled = loadPack(path);
        } catch (err) {
          assertUserError(err, 'loadPack');
          if (process.env['FUZZ_DEBUG']) console.log(String(err).slice(0, 200));
          assert.ok(err instanceof InputError, `loadPack threw ${String(err)}`);
          assert.ok(err.problems.every((q) => q.file.length > 0));
          return;
        }
        counted(`${name} (compiled)`);
        for (const s of texts) assert.equal(typeof normalize(s, compiled).text, 'string');
      }),
      params(150),
    );
    report(t, name);
  });

  it('the built-in packs normalize any text; a control character (NUL included) separates words like a space', (t) => {
    const packs = ['jobs', 'medical', 'codes'].map((n) => loadPack(n));
    const name = 'normalize';
    fc.assert(
      fc.property(text, fc.constantFrom(0, 1, 2), shortText, shortText, (s, i, a, b) => {
        counted(name);
        const r = normalize(s, packs[i]!);
        assert.equal(typeof r.text, 'string');
        assert.equal(typeof r.key, 'string');
        assert.equal(cleanup(`${a}\u0000${b}`), cleanup(`${a} ${b}`));
      }),
      params(250),
    );
    report(t, name);
  });
});

// ------------------------------------------------------------------ link (the library)

describe('fuzz: Linker.link on the demo vocabulary (lexical)', () => {
  let store: VocabStore;
  let linker: Linker;
  before(async () => {
    const dir = tempDir({ after });
    store = VocabStore.open(join(dir, 'normkit.db'));
    await importVocabulary(store, [join(demoDataDir(), 'conditions.jsonl')], { name: 'cond' });
    linker = await Linker.build(store, 'cond', preset('lexical'));
  });
  after(() => store.close());

  it('links any text: ranked candidates, at most k, no exception', async (t) => {
    const name = 'link';
    await fc.assert(
      fc.asyncProperty(text, fc.integer({ min: 1, max: 20 }), fc.constantFrom(undefined, 'en', 'de', 'pt-BR'), async (s, k, lang) => {
        counted(name);
        const r = await linker.link(s, k, lang ? { lang } : {});
        assert.ok(r.candidates.length <= k);
        for (const c of r.candidates) assert.ok(Number.isFinite(c.score), `score ${c.score}`);
        for (let i = 1; i < r.candidates.length; i++) assert.ok(r.candidates[i - 1]!.score >= r.candidates[i]!.score);
      }),
      params(200),
    );
    report(t, name);
  });
});

// ------------------------------------------------------------------ HTTP

/** A value safe to put in a URL: lone surrogates (which encodeURIComponent refuses) replaced. */
const wellFormed = (s: string): string => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** The error body every failed request gets. */
function assertErrorBody(status: number, body: unknown, what: string): void {
  assert.ok(status < 500, `${what}: HTTP ${status} ${JSON.stringify(body).slice(0, 500)}`);
  if (status < 400) return;
  const e = (body as { error?: { code?: unknown; message?: unknown; requestId?: unknown } }).error;
  assert.ok(e && typeof e.code === 'string' && typeof e.message === 'string' && e.message.length > 0 && typeof e.requestId === 'string', `${what}: not the error body: ${JSON.stringify(body).slice(0, 500)}`);
}

const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null | string | number> => fc.oneof({ weight: 4, arbitrary: a }, fc.constant(null), shortText, fc.double());
const k = fc.oneof(fc.integer({ min: -2, max: 120 }), fc.constant(0));
const lang = fc.oneof(fc.constantFrom('en', 'de', 'pt-BR', 'zz-@@', 'EN', ''), shortText);
const linkBody = fc.oneof(
  { weight: 5, arbitrary: fc.record({ text: maybe(text), k: maybe(k), lang: maybe(lang), vocabulary: maybe(fc.constantFrom('demo-conditions', 'demo-occupations', 'nope', '../x')), threshold: maybe(fc.double()), explain: maybe(fc.boolean()), mentions: maybe(fc.array(fc.record({ start: fc.integer({ min: -2, max: 40 }), end: fc.integer({ min: -2, max: 40 }) }), { maxLength: 3 })), extra: fc.string() }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue() },
);
const normalizeBody = fc.oneof(
  { weight: 5, arbitrary: fc.record({ text: maybe(text), texts: maybe(fc.array(text, { maxLength: 4 })), k: maybe(k), lang: maybe(lang), explain: maybe(fc.boolean()), vocabulary: maybe(fc.constantFrom('demo-occupations', 'nope')) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue() },
);
const mapBody = fc.oneof(
  { weight: 5, arbitrary: fc.record({ items: maybe(fc.array(text, { maxLength: 4 })), k: maybe(k), minSimilarity: maybe(fc.double()), vocabulary: maybe(fc.constantFrom('demo-conditions', 'nope')) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue() },
);
/** A query string: encoded values, or raw pieces that are not valid percent-encoding. */
const searchQuery = fc
  .array(fc.tuple(fc.constantFrom('q', 'k', 'lang', 'vocabulary', 'x', 'q'), fc.oneof({ weight: 4, arbitrary: shortText.map((s) => encodeURIComponent(wellFormed(s))) }, fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%C0%80', '&', '=', '+', '1', '-1', '1e3', 'en', 'demo-occupations'))), { maxLength: 5 })
  .map((pairs) => pairs.map(([key, v]) => `${key}=${v}`).join('&'));
/** A raw body that is not what the route wants: broken JSON, another type, nothing. */
const rawBody = fc.oneof(shortText, fc.constantFrom('', '{', '{"text":', 'null', '[]', '"x"', '{"text":"\\ud800"}', '{"__proto__":{"x":1},"text":"a"}', '{"constructor":{"prototype":{}},"text":"a"}'));
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1');

describe('fuzz: HTTP routes', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Record<string, string>;
  before(async () => {
    server = await startTestServer({ config: { vocabularies: [{ name: 'demo-conditions', preset: 'lexical' }, { name: 'demo-occupations', preset: 'lexical' }], limits: { bodyBytes: 256 * 1024 } } });
    admin = { authorization: `Bearer ${createApiKey(server.service.state, 'fuzz', 'admin').key}` };
  });
  after(() => server.stop());

  it('POST /v1/link, /v1/normalize and GET /v1/search: any body or query is answered, never with 500', async (t) => {
    const name = 'HTTP link/normalize/search';
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('link', 'normalize', 'map', 'search', 'raw'), linkBody, normalizeBody, mapBody, searchQuery, fc.tuple(rawBody, contentType, fc.constantFrom('/v1/link', '/v1/normalize', '/v1/map')), async (route, lb, nb, mb, q, [raw, type, path]) => {
        counted(name);
        const sent = route === 'link' ? lb : route === 'normalize' ? nb : route === 'map' ? mb : route === 'search' ? q : raw;
        const r =
          route === 'search'
            ? await call(server.url, 'GET', `/v1/search?${q}`)
            : route === 'raw'
              ? await call(server.url, 'POST', path, raw, { 'content-type': type }, true)
              : await call(server.url, 'POST', `/v1/${route}`, sent);
        assertErrorBody(r.status, r.body, `${route} ${JSON.stringify(sent).slice(0, 300)}`);
      }),
      params(150),
    );
    report(t, name);
  });

  it('GET /v1/concepts/:vocabulary/:id with any parameters is answered, never with 500', async (t) => {
    const name = 'HTTP concepts';
    const param = fc.oneof(shortText.map((s) => encodeURIComponent(wellFormed(s))), fc.constantFrom('demo-conditions', 'I21.9', '%', '%E0%A4%A', '..', '%2e%2e', 'x'.repeat(300)));
    await fc.assert(
      fc.asyncProperty(param, param, async (v, id) => {
        counted(name);
        const r = await call(server.url, 'GET', `/v1/concepts/${v}/${id}`);
        assertErrorBody(r.status, r.body, `concepts ${v}/${id}`);
      }),
      params(60),
    );
    report(t, name);
  });

  it('admin rules, synonyms and import paths: any body is answered, never with 500', async (t) => {
    const name = 'HTTP admin rules/synonyms/paths';
    const synonyms = fc.array(fc.record({ conceptId: fc.oneof(fc.constantFrom('I21.9', 'E11.9', 'nope'), shortText), text: maybe(text), lang: maybe(lang) }, { requiredKeys: ['conceptId'] }), { maxLength: 3 });
    const path = fc.oneof(shortText.map((p) => join(server.dataDir, p)), shortText, fc.constantFrom('/etc/passwd', '/', '', '.', '..', server.dataDir, join(server.dataDir, 'normkit.db'), join(server.dataDir, 'indexes')));
    const busy = async (r: { status: number; body: { job?: { id: string } } }): Promise<void> => {
      if (r.status === 202 && r.body.job) await call(server.url, 'GET', `/v1/admin/jobs/${r.body.job.id}?wait=30000`, undefined, admin);
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('rules', 'synonyms', 'path'), packText, synonyms, path, fc.constantFrom(undefined, 'jsonl', 'obo', 'icd10cm'), async (what, pack, syns, p, format) => {
        counted(name);
        const r =
          what === 'rules'
            ? await call(server.url, 'PUT', '/v1/admin/vocabularies/demo-conditions/rules', { pack }, admin)
            : what === 'synonyms'
              ? await call(server.url, 'POST', '/v1/admin/vocabularies/demo-conditions/synonyms', { synonyms: syns }, admin)
              : await call(server.url, 'POST', '/v1/admin/vocabularies/pathed/import', { path: p, ...(format ? { format } : {}) }, admin);
        assertErrorBody(r.status, r.body, `${what} ${JSON.stringify(what === 'rules' ? pack : what === 'synonyms' ? syns : p).slice(0, 300)}`);
        await busy(r);
      }),
      params(12),
    );
    await call(server.url, 'DELETE', '/v1/admin/vocabularies/demo-conditions/rules', undefined, admin).then(busy);
    report(t, name);
  });

  it('an admin import of edited JSONL content succeeds, or fails its job without changing the vocabulary', async (t) => {
    const name = 'HTTP admin import';
    const demo = readFileSync(join(demoDataDir(), 'conditions.jsonl')).subarray(0, 3000);
    const good = demo.subarray(0, demo.lastIndexOf(10) + 1);
    const first = await call(server.url, 'POST', '/v1/admin/vocabularies/fuzzed/import', { content: good.toString('utf8') }, admin);
    assert.equal(first.status, 202);
    const waitJob = async (id: string): Promise<{ state: string; error?: string }> => {
      for (;;) {
        const j = await call(server.url, 'GET', `/v1/admin/jobs/${id}?wait=30000`, undefined, admin);
        if (j.body.finishedAt) return j.body;
      }
    };
    assert.equal((await waitJob(first.body.job.id)).state, 'succeeded');
    const listed = async (): Promise<string> => JSON.stringify((await call(server.url, 'GET', '/v1/vocabularies')).body.vocabularies.find((v: { name: string }) => v.name === 'fuzzed') ?? null, ['name', 'concepts', 'terms', 'checksum', 'version']);
    await fc.assert(
      fc.asyncProperty(edits, fc.record({ format: fc.constantFrom(undefined, 'jsonl', 'obo', 'nope'), version: fc.constantFrom(undefined, 'v2', ''), maxLoss: fc.constantFrom(undefined, 0, 1, 2), allowEmpty: fc.boolean() }), async (list, extra) => {
        counted(name);
        const content = applyEdits(good, list).toString('utf8');
        const before = await listed();
        const r = await call(server.url, 'POST', '/v1/admin/vocabularies/fuzzed/import', { content, ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)) }, admin);
        assertErrorBody(r.status, r.body, 'import');
        if (r.status !== 202) {
          assert.equal(await listed(), before, 'a refused import changed the vocabulary');
          return;
        }
        const job = await waitJob(r.body.job.id);
        if (job.state === 'failed') {
          assert.ok(job.error && !/internal error/.test(job.error), `the job failed with an internal error: ${job.error}`);
          assert.equal(await listed(), before, 'a failed import changed the vocabulary');
        }
      }),
      params(8),
    );
    report(t, name);
  });
});

// ------------------------------------------------------------------ the CLI

describe('fuzz: the CLI', () => {
  it('normkit normalize and vocab import with generated arguments exit with a user error code, never 1, without a stack trace', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'v.jsonl');
    const demo = readFileSync(join(demoDataDir(), 'conditions.jsonl')).subarray(0, 2000);
    const name = 'CLI';
    await fc.assert(
      fc.asyncProperty(fc.boolean(), shortText, fc.constantFrom('jobs', 'medical', 'codes', 'nope', file), edits, fc.constantFrom('jsonl', 'obo', 'icd10cm', 'nope', ''), fc.constantFrom('en', 'zz-@@', 'pt-BR'), async (importing, s, pack, list, format, lang) => {
        counted(name);
        writeFileSync(file, applyEdits(demo, list));
        // Arguments cannot hold NUL; the rest goes as is. One process per case: each takes seconds.
        const arg = s.replaceAll('\u0000', ' ');
        const args = importing ? ['vocab', 'import', file, '--name', 'v', '--lang', lang, ...(format ? ['--format', format] : [])] : ['normalize', arg, '--pack', pack, '--json'];
        {
          const r = await runCliAsync(args, dir);
          assert.ok(r.status !== null && [0, 2, 3, 4, 6].includes(r.status), `normkit ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
          if (r.status !== 0) {
            assert.ok(r.stderr.trim().length > 0, `normkit ${args.join(' ')}: exit ${r.status} with no message`);
            assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+\)?\n/, `normkit ${args.join(' ')}: a stack trace`);
          }
        }
      }),
      params(2),
    );
    report(t, name);
  });
});
