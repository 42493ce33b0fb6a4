/**
 * normkit's library API. See README.md for a working example and ARCHITECTURE.md for the map.
 */
export { ExitCode, InputError, NetworkError, NormkitError, NotFoundError, UsageError, formatLocation, formatProblem } from './errors.js';
export type { InputLocation, InputProblem } from './errors.js';
export { resolveDataDir, storePath, downloadsDir } from './config.js';
export { foldText, foldCode } from './text/fold.js';
export { VocabStore } from './store/store.js';
export type {
  ConceptRef,
  ConceptView,
  CountWithConcepts,
  TermRow,
  TermView,
  VocabularyInfo,
  VocabularyMeta,
  VocabularyStats,
} from './store/store.js';
export { VocabularyBuilder } from './vocab/builder.js';
export type { BuilderOptions, ConceptInput, TermInput } from './vocab/builder.js';
export type { ImportReport, ParsedConcept, ParsedTerm, ParsedVocabulary, SynonymScope, TermKind } from './vocab/model.js';
export { importVocabulary, checksumFiles } from './vocab/import.js';
export type { ImportOptions, ImportResult } from './vocab/import.js';
export { FORMATS, formatNamed, detectFormat } from './vocab/importers/index.js';
export type { VocabularyFormat, ReadContext } from './vocab/importers/index.js';
export { fetchVocabulary } from './vocab/fetch.js';
export type { FetchOptions, FetchResult, FetchedFile } from './vocab/fetch.js';
export { BUILTIN_MANIFEST, loadManifest } from './vocab/manifest.js';
export type { Manifest, ManifestEntry, ManifestFile } from './vocab/manifest.js';
export { download, sha256File } from './io/download.js';
export type { DownloadOptions, DownloadResult } from './io/download.js';
export { readQueries, querySchema } from './queries.js';
export type { Query } from './queries.js';
export { LexicalIndex, charWbNgrams } from './lexical/index.js';
export type { ConceptMatch, IndexedTerm, LexicalOptions, SearchOptions } from './lexical/index.js';
export { WordStemmer, wordFeatures, STEMMED_LANGUAGES } from './lexical/features.js';
export { silentProgress, terminalProgress } from './progress.js';
export type { Progress } from './progress.js';
export { normalize, rulesFired, tidy } from './normalize/engine.js';
export type { FoundCode, NormalizeOptions, NormalizeResult, Span, TraceStep } from './normalize/engine.js';
export { BUILTIN_PACKS, compilePackText, loadPack, packSchema } from './normalize/pack.js';
export type { CompiledPack, PackInput, RuleInput } from './normalize/pack.js';
export { cleanup, foldAccents, splitIdentifier } from './normalize/cleanup.js';
export { singular, singularWord } from './normalize/singular.js';
export { abbreviationMap, expandAbbreviations, findAbbreviations } from './normalize/abbreviations.js';
export type { AbbreviationDefinition } from './normalize/abbreviations.js';
export { corefDocument, mentionKey } from './normalize/coref.js';
export type { CorefOptions, CorefResult, DocumentMention, MentionGroup } from './normalize/coref.js';
export { normalizeFile } from './normalize/batch.js';
export { Linker } from './pipeline/linker.js';
export type { ExtraTerm, GeneratorScore, LinkCandidate, LinkerHubness, LinkerOptions, LinkResult } from './pipeline/linker.js';
export { DenseGenerator } from './pipeline/dense.js';
export { calibrate, confidenceOf, reliability } from './pipeline/decision.js';
export type { Calibration, ReliabilityBin } from './pipeline/decision.js';
export { detectMentions, linkDocument } from './pipeline/document.js';
export type { DocumentMentionLink, DocumentOptions, DocumentResult } from './pipeline/document.js';
export { linkFile } from './pipeline/link-file.js';
export type { LinkFileOptions, LinkFileResult } from './pipeline/link-file.js';
export { CROSSWALK_COLUMNS, mapVocabulary } from './pipeline/map.js';
export { PAIRWISE_FEATURES, pairFeatures, pairwiseScores, trainPairwise } from './pipeline/pairwise.js';
export type { PairwiseModel, PairwiseTraining } from './pipeline/pairwise.js';
export type { MapOptions, MapResult } from './pipeline/map.js';
export { encoderFor, openAnyEncoder, NGRAM_HASH_MODEL } from './encoders/open.js';
export { NgramHashEncoder } from './encoders/ngram-hash.js';
export type { NgramHashOptions } from './encoders/ngram-hash.js';
export { DEFAULT_HNSW, ExactIndex, HnswIndex } from './vector/hnsw.js';
export type { HnswParams, VectorHit, VectorSearcher, VectorSpace } from './vector/hnsw.js';
export { TermVectorIndex, VECTOR_FORMAT } from './vector/term-index.js';
export type { BuildVectorOptions, ConceptVectorHit, TermVectorHeader, TermVectorHit, VectorTerm } from './vector/term-index.js';
export { SearchPool } from './vector/pool.js';
export { TrainedEncoder, isTrainedEncoder } from './trained/encoder.js';
export type { TrainedEncoderOptions } from './trained/encoder.js';
export { DEFAULT_FEATURIZER, featurize } from './trained/featurizer.js';
export type { Features, FeaturizerSpec } from './trained/featurizer.js';
export { BagModel } from './trained/model.js';
export { batchGradients, trainEncoder, successAt1 } from './trained/train.js';
export type { LabeledPair, TrainingConcept, TrainOptions, TrainProgress, TrainResult, ValidationQuery } from './trained/train.js';
export { splitVocabulary, trainAndSave, trainOnVocabulary } from './trained/vocabulary.js';
export type { VocabularyTrainingOptions } from './trained/vocabulary.js';
export { saveTrainedEncoder } from './trained/export.js';
export type { TrainedEncoderMetadata } from './trained/export.js';
export type { PoolIndex } from './vector/pool.js';
export { bankNormalizer, correctScores, HUBNESS_METHODS, kOccurrence, logAddExp, skewness } from './hubness/dbnorm.js';
export type { BankHits, BankNormalizer, Banks, HubnessMethod, HubnessParams, ScoredItem } from './hubness/dbnorm.js';
export { diagnoseHubness, sampleTermQueries, tuneHubness } from './hubness/diagnostics.js';
export type { DiagnosticQuery, HubnessDiagnostics, HubnessSide, LabeledQuery, TuningResult, TuningTrial } from './hubness/diagnostics.js';
export { loadPipeline, parsePipeline, pipelineSchema } from './pipeline/config.js';
export type { DecisionConfig, DenseConfig, FusionConfig, HubnessConfig, PipelineConfig, PipelineInput, RerankConfig } from './pipeline/config.js';
export { ABLATIONS, DEFAULT_PRESET, preset, presetNames } from './pipeline/presets.js';
export { evaluateLinker, DEFAULT_METRICS } from './eval/evaluate.js';
export type { EvaluateOptions, EvaluationReport, QueryOutcome } from './eval/evaluate.js';
export { collapseDuplicates, meanMetrics, parseMetric, scoreQuery } from './eval/metrics.js';
export type { Judgments, MetricSpec } from './eval/metrics.js';
export { formatQrels, formatRun, parseQrels, parseRun } from './eval/trec.js';
export type { Qrels, Run } from './eval/trec.js';
export { pairedBootstrap } from './eval/bootstrap.js';
export { compareRanked } from './rank.js';
export type { Encoder, EmbedOptions, EmbedRole } from './encoders/encoder.js';
export { TransformerEncoder } from './encoders/transformer.js';
export type { TransformerOptions } from './encoders/transformer.js';
export { CrossEncoder } from './encoders/cross-encoder.js';
export type { CrossEncoderOptions } from './encoders/cross-encoder.js';
export { CachedEncoder, textHash } from './encoders/cache.js';
export type { EmbeddingStore } from './encoders/cache.js';
export { createSession, cudaUnavailableReason, DEVICES } from './encoders/runtime.js';
export type { Device, SessionOptions } from './encoders/runtime.js';
export { inspectModel, POOLINGS, PRECISIONS } from './models/layout.js';
export type { ModelLayout, ModelSettings, Pooling, Precision } from './models/layout.js';
export { RECOMMENDED_MODELS, recommendedModel } from './models/registry.js';
export type { ModelKind, RecommendedModel } from './models/registry.js';
export { fetchModel, hubEndpoint, readManifest } from './models/hub.js';
export type { FetchModelResult, HubOptions, ModelManifest } from './models/hub.js';
export { modelsDir, openCrossEncoder, openEncoder, resolveModel } from './models/resolve.js';
export type { ResolveOptions, ResolvedModel } from './models/resolve.js';
export { listModels, modelInfo } from './models/catalog.js';
export type { ModelInfo, ModelListEntry } from './models/catalog.js';
export { startServer } from './server/serve.js';
export type { RunningServer } from './server/serve.js';
export { loadServeConfig, serveConfigSchema } from './server/config.js';
export type { ServeConfig } from './server/config.js';
export { createApiKey } from './server/api-keys.js';
export type { ApiKeyInfo, ApiKeyScope } from './store/store.js';
export { decideMapping, ancestorsIn } from './pipeline/map.js';
export type { MappingRow } from './pipeline/map.js';
