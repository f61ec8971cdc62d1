// Saving and loading a fitted FeatureState: a JSON manifest (format tag, version, policy,
// vocabularies, statistics standardisation) plus, for the built-in encoder, its safetensors
// file next to it. Both written atomically. A custom encoder (e.g. SBERT) is recorded by
// name and must be passed back to loadFeatureState.

import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureState } from './builder.ts';
import type { ItemTextEncoder } from './encoder.ts';
import { TfidfSvdEncoder } from './text_encoder.ts';
import { Vocabulary } from './vocabulary.ts';

export const FEATURE_STATE_FORMAT = 'hgrec.item_features';
export const FEATURE_STATE_VERSION = 1;
export const FEATURE_MANIFEST = 'features.json';
export const TEXT_ENCODER_FILE = 'text_encoder.safetensors';

/** Writes dir/features.json (+ dir/text_encoder.safetensors for the built-in encoder). */
export function saveFeatureState(state: FeatureState, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const enc = state.textEncoder;
  if (enc instanceof TfidfSvdEncoder) enc.save(join(dir, TEXT_ENCODER_FILE));
  const manifest = {
    format: FEATURE_STATE_FORMAT,
    version: FEATURE_STATE_VERSION,
    textTypes: state.textTypes,
    categoricalTypes: state.categoricalTypes,
    statsTypes: state.statsTypes,
    textEncoder: enc ? { name: enc.name, dim: enc.dim, file: enc instanceof TfidfSvdEncoder ? TEXT_ENCODER_FILE : null } : null,
    vocabularies: {
      type: state.vocabularies.type.toJSON(),
      language: state.vocabularies.language.toJSON(),
      genre: state.vocabularies.genre.toJSON(),
    },
    useGenre: state.useGenre,
    useLanguage: state.useLanguage,
    standardizer: state.standardizer,
    coldStatsRow: state.coldStatsRow,
    statsOptions: state.statsOptions,
  };
  const path = join(dir, FEATURE_MANIFEST);
  const tmp = join(dir, `.${FEATURE_MANIFEST}.tmp-${process.pid}-${Date.now()}`);
  writeFileSync(tmp, JSON.stringify(manifest, null, 1));
  renameSync(tmp, path);
}

/**
 * Loads a state written by saveFeatureState. opts.textEncoder is required when the state
 * was fitted with a custom encoder (its name and dim must match).
 */
export function loadFeatureState(dir: string, opts: { textEncoder?: ItemTextEncoder } = {}): FeatureState {
  const path = join(dir, FEATURE_MANIFEST);
  const who = `loadFeatureState: ${path}`;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let m: any;
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${who}: cannot read manifest (${(err as Error).message})`);
  }
  if (m.format !== FEATURE_STATE_FORMAT || m.version !== FEATURE_STATE_VERSION) {
    throw new Error(`${who}: expected format ${FEATURE_STATE_FORMAT} version ${FEATURE_STATE_VERSION}, got ` +
      `${JSON.stringify(m.format)} version ${JSON.stringify(m.version)}`);
  }
  let textEncoder: ItemTextEncoder | null = null;
  if (m.textEncoder) {
    if (m.textEncoder.file) textEncoder = TfidfSvdEncoder.load(join(dir, m.textEncoder.file));
    else {
      textEncoder = opts.textEncoder ?? null;
      if (!textEncoder || textEncoder.name !== m.textEncoder.name || textEncoder.dim !== m.textEncoder.dim) {
        throw new Error(`${who}: the state was fitted with text encoder ${m.textEncoder.name} (dim ${m.textEncoder.dim}); ` +
          `pass it as opts.textEncoder, got ${textEncoder ? `${textEncoder.name} (dim ${textEncoder.dim})` : 'none'}`);
      }
    }
  }
  return {
    textTypes: m.textTypes,
    categoricalTypes: m.categoricalTypes,
    statsTypes: m.statsTypes,
    textEncoder,
    vocabularies: {
      type: Vocabulary.fromJSON(m.vocabularies.type),
      language: Vocabulary.fromJSON(m.vocabularies.language),
      genre: Vocabulary.fromJSON(m.vocabularies.genre),
    },
    useGenre: m.useGenre,
    useLanguage: m.useLanguage,
    standardizer: m.standardizer,
    coldStatsRow: m.coldStatsRow,
    statsOptions: m.statsOptions ?? {},
  };
}
