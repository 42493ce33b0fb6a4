/**
 * Recommended models. Any Hugging Face repository in ONNX layout works; these are the
 * ones we document, with the settings their repositories do not carry themselves
 * (Xenova/* exports have no 1_Pooling/config.json, e5 needs its prefixes).
 */
import type { ModelSettings } from '../onnx/layout.js';

export type ModelKind = 'encoder' | 'cross-encoder';

export interface RecommendedModel {
  id: string;
  kind: ModelKind;
  use: string;
  languages: string;
  dim?: number;
  settings: ModelSettings;
  /** Set when the hub repository has no ONNX export: how to make one. */
  exportHint?: string;
}

export const RECOMMENDED_MODELS: readonly RecommendedModel[] = [
  {
    id: 'Xenova/all-MiniLM-L6-v2',
    kind: 'encoder',
    use: 'general English text, job titles; small and fast',
    languages: 'en',
    dim: 384,
    settings: { pooling: 'mean' },
  },
  {
    id: 'Xenova/multilingual-e5-small',
    kind: 'encoder',
    use: 'general text in ~100 languages',
    languages: 'multilingual',
    dim: 384,
    settings: { pooling: 'mean', queryPrefix: 'query: ', passagePrefix: 'passage: ' },
  },
  {
    id: 'Xenova/SapBERT-from-PubMedBERT-fulltext',
    kind: 'encoder',
    use: 'English biomedical entity linking (UMLS synonyms)',
    languages: 'en',
    dim: 768,
    settings: { pooling: 'cls', maxLength: 25 },
  },
  {
    id: 'cambridgeltl/SapBERT-UMLS-2020AB-all-lang-from-XLMR',
    kind: 'encoder',
    use: 'cross-lingual biomedical entity linking',
    languages: 'multilingual',
    dim: 768,
    settings: { pooling: 'cls', maxLength: 25 },
    exportHint:
      'the repository has PyTorch weights only; export it once where Python is available: ' +
      'optimum-cli export onnx --model cambridgeltl/SapBERT-UMLS-2020AB-all-lang-from-XLMR --task feature-extraction sapbert-xlmr/ ' +
      '(this also writes tokenizer.json), then pass the folder: --model ./sapbert-xlmr --pooling cls',
  },
  {
    id: 'Xenova/ms-marco-MiniLM-L-6-v2',
    kind: 'cross-encoder',
    use: 'reranking (query, candidate) pairs',
    languages: 'en',
    settings: {},
  },
];

export function recommendedModel(id: string): RecommendedModel | undefined {
  return RECOMMENDED_MODELS.find((m) => m.id.toLowerCase() === id.toLowerCase());
}
