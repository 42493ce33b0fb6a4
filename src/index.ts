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
export { CharTfidfIndex, charWbNgrams } from './lexical/char-tfidf.js';
export type { CharTfidfOptions, ConceptMatch, IndexedTerm } from './lexical/char-tfidf.js';
export { silentProgress, terminalProgress } from './progress.js';
export type { Progress } from './progress.js';
