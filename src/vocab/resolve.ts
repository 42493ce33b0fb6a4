/**
 * A vocabulary named on the command line: an imported vocabulary's name, or a vocabulary
 * file, imported once under a name its checksum decides.
 */
import { existsSync, statSync } from 'node:fs';
import { NotFoundError } from '../core/errors.js';
import type { VocabStore } from '../store/store.js';
import { checksumFiles, importVocabulary } from './import.js';

/** The store name of a vocabulary file: its checksum decides it, so an edited file is a new vocabulary. */
export async function resolveVocabulary(store: VocabStore, arg: string): Promise<{ name: string; importedNow: boolean }> {
  if (existsSync(arg) && statSync(arg).isFile()) {
    const checksum = await checksumFiles([arg]);
    const name = `eval-${checksum.slice('sha256:'.length, 'sha256:'.length + 12)}`;
    if (store.hasVocabulary(name) && store.vocabulary(name).checksum === checksum) return { name, importedNow: false };
    await importVocabulary(store, [arg], { name });
    return { name, importedNow: true };
  }
  if (store.hasVocabulary(arg)) return { name: arg, importedNow: false };
  throw new NotFoundError(`"${arg}" is neither a vocabulary file nor an imported vocabulary (see: normkit vocab list)`);
}
