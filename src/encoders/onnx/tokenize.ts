/**
 * Tokenization with @xenova/transformers' AutoTokenizer, loaded from a local model
 * directory (normkit downloads models itself; the tokenizer never goes online).
 *
 * Truncation keeps the special tokens: the text's tokens are cut to the budget left
 * after [CLS]/[SEP] (or <s>/</s>), then the tokenizer's own post-processor adds them.
 * Pairs are cut longest-first, as Hugging Face does.
 */
import { resolve } from 'node:path';
import { NormkitError, ExitCode } from '../../core/errors.js';

/** The parts of a transformers.js tokenizer that normkit uses. */
interface XenovaTokenizer {
  _encode_text(text: string | null): string[] | null;
  post_processor: ((tokens: string[], pair: string[] | null, options: { add_special_tokens: boolean }) => { tokens: string[]; token_type_ids?: number[] }) | null;
  model: { convert_tokens_to_ids(tokens: string[]): number[] };
  pad_token_id?: number;
}

export interface Encoded {
  ids: number[];
  typeIds: number[];
}

async function loadXenova(dir: string): Promise<XenovaTokenizer> {
  const { env, AutoTokenizer } = await import('@xenova/transformers');
  // Local files only, addressed by absolute path; the caller's settings are restored after.
  const saved = { allowRemoteModels: env.allowRemoteModels, allowLocalModels: env.allowLocalModels, localModelPath: env.localModelPath };
  Object.assign(env, { allowRemoteModels: false, allowLocalModels: true, localModelPath: '/' });
  try {
    return (await AutoTokenizer.from_pretrained(resolve(dir))) as unknown as XenovaTokenizer;
  } catch (err) {
    throw new NormkitError(`cannot load the tokenizer in ${dir}: ${(err as Error).message}`, ExitCode.badInput);
  } finally {
    Object.assign(env, saved);
  }
}

export class TextTokenizer {
  readonly padId: number;
  private readonly singleSpecials: number;
  private readonly pairSpecials: number;

  private constructor(private readonly tok: XenovaTokenizer) {
    this.padId = tok.pad_token_id ?? 0;
    this.singleSpecials = this.combine([], null).ids.length;
    this.pairSpecials = this.combine([], []).ids.length;
  }

  static async load(dir: string): Promise<TextTokenizer> {
    return new TextTokenizer(await loadXenova(dir));
  }

  private tokens(text: string): string[] {
    return this.tok._encode_text(text) ?? [];
  }

  private combine(a: string[], b: string[] | null): Encoded {
    const processed = this.tok.post_processor
      ? this.tok.post_processor(a, b, { add_special_tokens: true })
      : { tokens: b ? [...a, ...b] : a };
    const ids = this.tok.model.convert_tokens_to_ids(processed.tokens);
    const typeIds = processed.token_type_ids ?? new Array<number>(ids.length).fill(0);
    return { ids, typeIds };
  }

  /** Token ids of one text with special tokens, at most `maxLength` of them. */
  encode(text: string, maxLength: number): Encoded {
    const tokens = this.tokens(text);
    const budget = Math.max(0, maxLength - this.singleSpecials);
    return this.combine(tokens.length > budget ? tokens.slice(0, budget) : tokens, null);
  }

  /** Token ids of a (query, passage) pair, cut longest-first to `maxLength`. */
  encodePair(a: string, b: string, maxLength: number): Encoded {
    let ta = this.tokens(a);
    let tb = this.tokens(b);
    const budget = Math.max(0, maxLength - this.pairSpecials);
    if (ta.length + tb.length > budget) {
      // Longest-first: shorten the longer side until both fit.
      let la = ta.length;
      let lb = tb.length;
      let excess = la + lb - budget;
      const cut = Math.min(excess, Math.abs(la - lb));
      if (la > lb) la -= cut;
      else lb -= cut;
      excess -= cut;
      la -= Math.ceil(excess / 2);
      lb -= Math.floor(excess / 2);
      ta = ta.slice(0, Math.max(0, la));
      tb = tb.slice(0, Math.max(0, lb));
    }
    return this.combine(ta, tb);
  }
}
