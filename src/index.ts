/**
 * normkit's library API: what an application needs to import vocabularies, link text with
 * a pipeline, train and plug in encoders, evaluate, tune and serve. README.md opens with a
 * working example; ARCHITECTURE.md maps the modules (everything else is internal).
 */
export { VERSION } from './core/version.js';
export { InputError, NormkitError, NotFoundError, UsageError } from './core/errors.js';
export type { InputProblem } from './core/errors.js';
export { resolveDataDir } from './core/data-dir.js';

// Vocabularies and the store
export { VocabStore } from './store/store.js';
export type { VocabularyInfo } from './store/store.js';
export { importVocabulary } from './vocab/import.js';
export type { ImportOptions, ImportResult } from './vocab/import.js';
export { fetchVocabulary } from './vocab/fetch.js';
export { FORMATS } from './vocab/importers/index.js';
export type { VocabularyFormat } from './vocab/importers/index.js';
export { VocabularyBuilder } from './vocab/builder.js';

// Rule packs and document normalization
export { normalize } from './normalize/engine.js';
export type { NormalizeResult } from './normalize/engine.js';
export { loadPack } from './normalize/pack.js';
export type { CompiledPack } from './normalize/pack.js';
export { findAbbreviations } from './normalize/abbreviations.js';
export { corefDocument } from './normalize/coref.js';

// Linking
export { Linker } from './pipeline/linker.js';
export type { LinkerSummary } from './pipeline/linker.js';
export type { LinkerOptions } from './pipeline/resources.js';
export type { LinkCandidate, LinkResult } from './pipeline/result.js';
export { loadPipeline, parsePipeline } from './pipeline/config.js';
export type { PipelineConfig, PipelineInput } from './pipeline/config.js';
export { preset, presetNames } from './pipeline/presets.js';
export { linkDocument } from './modes/document.js';
export type { DocumentResult } from './modes/document.js';
export { linkFile } from './modes/link-file.js';
export { mapVocabulary } from './modes/map.js';
export type { MapResult } from './modes/map.js';

// Bilingual lexicons and query translation
export { LexiconStore } from './lexicon/store.js';
export type { LexiconInfo } from './lexicon/store.js';
export { importLexicons } from './lexicon/import.js';
export { fetchLexicon } from './lexicon/fetch.js';
export { learnLexicon } from './lexicon/learn.js';
export type { LearnOptions } from './lexicon/learn.js';
export { Translator } from './lexicon/translator.js';
export type { QueryTranslation } from './lexicon/translator.js';

// Encoders and vector indexes
export type { Encoder } from './encoders/encoder.js';
export { openAnyEncoder } from './encoders/open.js';
export { NgramHashEncoder } from './encoders/ngram-hash.js';
export { openCrossEncoder, openEncoder } from './encoders/models/resolve.js';
export { fetchModel } from './encoders/models/hub.js';
export { listModels } from './encoders/models/catalog.js';
export { TrainedEncoder } from './encoders/trained/encoder.js';
export { trainAndSave } from './encoders/trained/vocabulary.js';
export { HnswIndex } from './vector/hnsw.js';
export type { HnswParams } from './vector/hnsw.js';
export { TermVectorIndex } from './vector/term-index.js';

// Evaluation and tuning
export { readQueries } from './io/queries.js';
export type { Query } from './io/queries.js';
export { evaluateLinker } from './metrics/evaluate.js';
export type { EvaluationReport } from './metrics/evaluate.js';
export { pairedBootstrap } from './metrics/bootstrap.js';
export { parseQrels, parseRun } from './metrics/trec.js';
export { calibrate } from './tuning/calibrate.js';
export { diagnoseHubness, tuneHubness, withHubness } from './tuning/hubness.js';
export { trainPairwise } from './tuning/pairwise-train.js';

// The HTTP service
export { startServer } from './server/serve.js';
export type { RunningServer } from './server/serve.js';
export { loadServeConfig } from './server/settings.js';
export type { ServeConfig } from './server/settings.js';
export { createApiKey } from './server/api-keys.js';
export { ServerState } from './server/state.js';
