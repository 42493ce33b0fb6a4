/**
 * The HTTP API's request and response schemas (zod). Fastify validates requests with them
 * and @fastify/swagger turns them into the OpenAPI 3 document at /openapi.json; the
 * response types of the operations (src/server/operations.ts) are inferred from them.
 */
import { z } from 'zod';
import { MAX_QUERY_CHARS, MAX_REQUEST_TEXT_CHARS } from '../core/limits.js';
import { LANG_RE } from '../io/validate.js';

const lang = z.string().regex(LANG_RE, 'a language code such as "en" or "pt-BR"').describe('ISO 639 language code, e.g. en, with optional subtags (pt-BR)');
const k = z.number().int().min(1).max(100).default(5).describe('how many concepts to return (1–100)');
const vocabulary = z.string().min(1).max(200).describe('a served vocabulary (GET /v1/vocabularies); default: the first served with the jobs preset (normalize) or the medical one (link, map)');
/** The text of one input: at most MAX_REQUEST_TEXT_CHARS characters, no NUL (the pipeline reads the first MAX_QUERY_CHARS). */
const inputText = z.string().max(MAX_REQUEST_TEXT_CHARS).refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

export const generatorScore = z.object({
  generator: z.string(),
  score: z.number(),
  rank: z.number().int().nullable(),
});

export const explanation = z.object({
  generator: z.string().describe('lexical, fusion, or code'),
  generators: z.array(generatorScore).optional().describe("each generator's score and rank for the matched term"),
  views: z.object({ char: z.number(), bm25: z.number() }).optional().describe("the lexical generator's two views"),
  hubness: z.object({ method: z.string(), before: z.number() }).optional().describe('the hubness correction and the score before it'),
  rerank: z.object({ model: z.string(), score: z.number(), before: z.number() }).optional(),
  preferredOver: z
    .object({ group: z.string(), rank: z.number().int(), score: z.number() })
    .optional()
    .describe('the specificity stage answered this concept before its group `group`; rank and score: its place and score before the move (it takes the group\'s score)'),
});

export const conceptHit = z.object({
  id: z.string(),
  label: z.string().describe("the concept's preferred label"),
  score: z.number(),
  confidence: z.number().min(0).max(1).optional().describe('calibrated probability that this concept is right (presets with a decision stage)'),
  matchedTerm: z.object({ text: z.string(), lang: z.string() }),
  explanation: explanation.optional(),
});

export const linked = z.object({
  input: z.string(),
  normalized: z.string().describe('the text the generators matched, after the rule pack'),
  attributes: z.record(z.string(), z.array(z.string())).describe('what the rule pack extracted: seniority, level, contract, work_mode, location…'),
  concepts: z.array(conceptHit),
  nil: z.boolean().describe('true when no concept is good enough (confidence below the NIL threshold, or no candidate)'),
  rulesFired: z.array(z.string()).optional(),
  codes: z.array(z.object({ system: z.string(), code: z.string(), rule: z.string() })).optional(),
  truncated: z.object({ chars: z.number().int(), kept: z.number().int() }).optional().describe(`set when the text was longer than ${MAX_QUERY_CHARS} characters: only its first \`kept\` of \`chars\` were linked`),
});

export const normalizeBody = z
  .object({
    text: inputText.optional(),
    texts: z.array(inputText).min(1).optional().describe('a batch (at most the server\'s maxBatch)'),
    vocabulary: vocabulary.optional(),
    k,
    lang: lang.optional(),
    explain: z.boolean().default(false).describe('add each concept\'s explanation, the rules fired and the codes found'),
  })
  .strict()
  .refine((b) => (b.text === undefined) !== (b.texts === undefined), { message: 'give exactly one of "text" or "texts"', path: ['text'] });

export const normalizeResponse = z.object({ vocabulary: z.string(), results: z.array(linked) });

export const linkBody = z
  .object({
    text: inputText.min(1),
    mentions: z.array(z.object({ start: z.number().int().min(0), end: z.number().int().min(1) }).strict()).max(1000).optional().describe('character offsets; without them the dictionary matcher finds the mentions'),
    vocabulary: vocabulary.optional(),
    lang: lang.optional(),
    k,
    threshold: z.number().min(0).max(1).optional().describe("the matcher's lowest window similarity (default 0.95)"),
    explain: z.boolean().default(false),
  })
  .strict();

export const linkResponse = z.object({
  vocabulary: z.string(),
  mentions: z.array(
    z.object({
      start: z.number().int(),
      end: z.number().int(),
      text: z.string(),
      source: z.enum(['given', 'matched', 'abbreviation']),
      matchScore: z.number().optional(),
      group: z.number().int().describe('co-reference group (index into groups)'),
      canonical: z.string().describe("the text linked for the mention's group"),
      concepts: z.array(conceptHit),
      nil: z.boolean(),
    }),
  ),
  groups: z.array(z.object({ canonical: z.string(), members: z.array(z.string()) })),
  abbreviations: z.record(z.string(), z.string()),
});

export const mapBody = z
  .object({
    items: z.array(inputText.min(1)).min(1).describe('phrases or codes of the source system'),
    vocabulary: vocabulary.optional().describe('the target vocabulary'),
    k,
    minSimilarity: z.number().min(0).max(1).optional().describe('fall back to the closest common ancestor below this similarity'),
  })
  .strict();

export const mapResponse = z.object({
  vocabulary: z.string(),
  results: z.array(
    z.object({
      input: z.string(),
      match: z.enum(['exact', 'code', 'linked', 'candidate', 'ancestor', 'nil', 'none']),
      targets: z.array(
        z.object({
          rank: z.number().int(),
          id: z.string(),
          label: z.string(),
          match: z.enum(['exact', 'code', 'linked', 'candidate', 'ancestor']),
          level: z.number().int().describe('for an ancestor: levels above the top candidate'),
          score: z.number().optional(),
          similarity: z.number().optional(),
          confidence: z.number().optional(),
        }),
      ),
    }),
  ),
});

export const searchQuery = z
  .object({
    q: inputText.min(1),
    vocabulary: vocabulary.optional(),
    k: z.coerce.number().int().min(1).max(100).default(5).describe('how many concepts to return (1–100)'),
    lang: lang.optional(),
  })
  .strict();

export const searchResponse = z.object({ vocabulary: z.string(), concepts: z.array(conceptHit) });

export const servedState = z.object({
  preset: z.string(),
  state: z.enum(['loading', 'ready', 'failed']),
  generation: z.number().int(),
  loadedAt: z.string().nullable(),
  customSynonyms: z.number().int(),
  customRules: z.boolean(),
  error: z.string().optional(),
});

export const vocabularyItem = z.object({
  name: z.string(),
  version: z.string().nullable(),
  format: z.string(),
  concepts: z.number().int(),
  terms: z.number().int(),
  checksum: z.string(),
  importedAt: z.string(),
  served: servedState.nullable(),
});

export const vocabulariesResponse = z.object({ vocabularies: z.array(vocabularyItem) });

export const conceptParams = z.object({ vocabulary: z.string().min(1), id: z.string().min(1) });
export const conceptRef = z.object({ id: z.string(), label: z.string() });
export const conceptResponse = z.object({
  vocabulary: z.string(),
  id: z.string(),
  label: z.string(),
  lang: z.string(),
  description: z.string().optional(),
  obsolete: z.boolean(),
  types: z.array(z.string()),
  synonyms: z.array(z.object({ text: z.string(), lang: z.string(), kind: z.string() })),
  parents: z.array(conceptRef),
  children: z.array(conceptRef),
  xrefs: z.array(z.string()),
});

export const vocabParams = z.object({ vocabulary: z.string().min(1).max(200).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-"') });

export const importBody = z
  .object({
    path: z.string().min(1).optional().describe('a vocabulary file or folder on the server (any format `normkit vocab import` reads)'),
    content: z.string().min(1).optional().describe('the vocabulary itself, as normkit JSONL (one concept per line)'),
    format: z.string().optional().describe('the format of `path` (default: detected)'),
    version: z.string().max(100).optional(),
    allowEmpty: z.boolean().optional().describe('accept an import that leaves the vocabulary with no concepts (default: refused)'),
    maxLoss: z.number().min(0).max(1).optional().describe("the largest share of the vocabulary's concepts a re-import may drop (default 0.5)"),
    force: z.boolean().optional().describe('accept any loss of concepts, an empty result included'),
    preset: z.string().optional().describe('serve it with this preset (default: the preset it is served with, or lexical)'),
  })
  .strict()
  .refine((b) => (b.path === undefined) !== (b.content === undefined), { message: 'give exactly one of "path" or "content"', path: ['path'] });

export const synonymsBody = z
  .object({
    synonyms: z
      .array(z.object({ conceptId: z.string().min(1), text: inputText.min(1), lang: lang.default('en') }).strict())
      .min(1)
      .max(10_000),
  })
  .strict();

export const rulesBody = z.object({ pack: z.string().min(1).max(1_000_000).describe('a rule pack, YAML or JSON (docs/rules.md); "extends: jobs" keeps the preset\'s rules') }).strict();

export const job = z.object({
  id: z.string(),
  type: z.enum(['import', 'rebuild']),
  vocabulary: z.string(),
  state: z.enum(['queued', 'running', 'succeeded', 'failed']),
  reason: z.string().describe('why it was started'),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().optional(),
  generation: z.number().int().optional().describe('the index generation it put in service'),
  progress: z.object({ phase: z.string(), done: z.number(), total: z.number() }).optional().describe('the running phase'),
});

export const jobParams = z.object({ id: z.string().min(1) });
export const jobQuery = z.object({ wait: z.coerce.number().int().min(0).max(60_000).default(0).describe('wait up to this many ms for the job to finish (long poll)') }).strict();
export const jobAccepted = z.object({ job, added: z.number().int().optional() });
export const jobsResponse = z.object({ jobs: z.array(job) });

export const errorBody = z.object({
  error: z.object({
    code: z.string().describe('machine-readable: bad_request, unauthorized, forbidden, not_found, method_not_allowed, conflict, payload_too_large, uri_too_long, headers_too_large, unsupported_media_type, rate_limited, timeout, not_ready, unavailable, internal'),
    message: z.string(),
    field: z.string().optional().describe('the request field at fault, as a path (e.g. texts.3)'),
    requestId: z.string().optional(),
  }),
});

export type ConceptHit = z.infer<typeof conceptHit>;
export type Linked = z.infer<typeof linked>;
export type LinkResponse = z.infer<typeof linkResponse>;
export type MapResponse = z.infer<typeof mapResponse>;
export type Job = z.infer<typeof job>;
export type ServedState = z.infer<typeof servedState>;
