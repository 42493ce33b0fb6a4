/**
 * Where each supported vocabulary's official release is downloaded from.
 *
 * A file's `sha256` is checked when present. Where the publisher does not publish one
 * and we could not pin one, it is absent: `vocab fetch` then records the checksum of
 * the first download beside the file and verifies later downloads against it.
 * Override the whole manifest with `vocab fetch --manifest FILE` (same JSON shape).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { describeIssue } from '../io/validate.js';

const fileSchema = z.strictObject({
  url: z.url(),
  /** Lowercase hex sha256 of the downloaded file. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** For zip archives: the members to extract and import (matched by file name). */
  extract: z.array(z.string().min(1)).optional(),
});

const entrySchema = z.strictObject({
  title: z.string(),
  version: z.string().min(1),
  format: z.string().min(1),
  licence: z.string(),
  homepage: z.url(),
  files: z.array(fileSchema),
  langs: z.array(z.string()).optional(),
  /** Set when there is no direct download: what the user must do instead. */
  manual: z.string().optional(),
});

export const manifestSchema = z.strictObject({
  vocabularies: z.record(z.string(), entrySchema),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestEntry = z.infer<typeof entrySchema>;
export type ManifestFile = z.infer<typeof fileSchema>;

export const BUILTIN_MANIFEST: Manifest = {
  vocabularies: {
    mesh: {
      title: 'MeSH descriptors (NLM)',
      version: '2024',
      format: 'mesh',
      licence: 'NLM Terms and Conditions: acknowledge NLM and the MeSH version',
      homepage: 'https://www.nlm.nih.gov/databases/download/mesh.html',
      files: [{ url: 'https://nlmpubs.nlm.nih.gov/projects/mesh/2024/xmlmesh/desc2024.xml' }],
    },
    icd10cm: {
      title: 'ICD-10-CM code descriptions, order file (CDC/NCHS)',
      version: 'FY2024',
      format: 'icd10cm',
      licence: 'public domain (U.S. Government work)',
      homepage: 'https://www.cdc.gov/nchs/icd/icd-10-cm/files.html',
      files: [
        {
          url: 'https://ftp.cdc.gov/pub/Health_Statistics/NCHS/Publications/ICD10CM/2024/icd10cm-CodesDescriptions-2024.zip',
          extract: ['icd10cm-order-2024.txt'],
        },
      ],
    },
    onet: {
      title: 'O*NET 29.3 database, text files (USDOL/ETA)',
      version: '29.3',
      format: 'onet',
      licence: 'CC BY 4.0; attribute "O*NET 29.3 Database by USDOL/ETA"',
      homepage: 'https://www.onetcenter.org/database.html',
      files: [
        {
          url: 'https://www.onetcenter.org/dl_files/database/db_29_3_text.zip',
          extract: ['Occupation Data.txt', 'Alternate Titles.txt', 'Sample of Reported Titles.txt'],
        },
      ],
    },
    hpo: {
      title: 'Human Phenotype Ontology with translations',
      version: 'v2024-08-13',
      format: 'hpo',
      licence: 'HPO licence: free use with attribution "Human Phenotype Ontology (HPO), hpo.jax.org"',
      homepage: 'https://hpo.jax.org/data/ontology',
      files: [
        { url: 'https://github.com/obophenotype/human-phenotype-ontology/releases/download/v2024-08-13/hp.obo' },
        ...['es', 'pt', 'de', 'it'].map((lang) => ({
          url: `https://raw.githubusercontent.com/obophenotype/human-phenotype-ontology/v2024-08-13/src/translations/hp-${lang}.babelon.tsv`,
        })),
      ],
    },
    doid: {
      title: 'Human Disease Ontology',
      version: 'v2024-08-29',
      format: 'doid',
      licence: 'CC0 1.0',
      homepage: 'https://disease-ontology.org/downloads/',
      files: [{ url: 'https://raw.githubusercontent.com/DiseaseOntology/HumanDiseaseOntology/v2024-08-29/src/ontology/doid.obo' }],
    },
    mondo: {
      title: 'Mondo Disease Ontology',
      version: 'v2024-08-06',
      format: 'mondo',
      licence: 'CC BY 4.0',
      homepage: 'https://mondo.monarchinitiative.org/',
      files: [{ url: 'https://github.com/monarch-initiative/mondo/releases/download/v2024-08-06/mondo.obo' }],
    },
    esco: {
      title: 'ESCO occupations (European Commission)',
      version: 'v1.2.0',
      format: 'esco',
      licence: 'EC reuse policy (CC BY 4.0); attribute ESCO, European Commission',
      homepage: 'https://esco.ec.europa.eu/en/use-esco/download',
      files: [],
      manual:
        'ESCO has no direct download link: request the CSV package at https://esco.ec.europa.eu/en/use-esco/download ' +
        '(pick the version, "occupations" and your languages), unzip it, then run: normkit vocab import --format esco <folder-with-occupations_xx.csv>',
    },
  },
};

/** Reads and validates a manifest file; errors name the file and the field. */
export async function loadManifest(path: string): Promise<Manifest> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new InputError([{ file: path, reason: 'malformed-json', message: `cannot read manifest: ${(err as Error).message}` }]);
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const { reason, field, message } = describeIssue(parsed.error);
    throw new InputError([{ file: path, field, reason, message }]);
  }
  return parsed.data;
}
