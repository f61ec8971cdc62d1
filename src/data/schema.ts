/**
 * Canonical data contract of hgrec (see README.md in this folder and DESIGN.md).
 * Column names here are used verbatim by the graph SQL of other stages.
 */

/** Interaction kinds, in code order (the code of a kind is its index). */
export const KINDS = ['stream', 'preview', 'follow', 'intent_to_pay', 'other'] as const;
export type Kind = (typeof KINDS)[number];
/** kind name -> dense code used in `Interactions.kind` (Uint8Array). */
export const KIND_CODES: Readonly<Record<Kind, number>> = {
  stream: 0, preview: 1, follow: 2, intent_to_pay: 3, other: 4,
};
/** Kinds that count as weak signals (SPEC §4: follow, preview, intent-to-pay). */
export const WEAK_KINDS: readonly Kind[] = ['preview', 'follow', 'intent_to_pay'];

export const ITEM_COLUMNS = ['item_id', 'type', 'title', 'description', 'language', 'genre'] as const;
export const USER_COLUMNS = ['user_id', 'age', 'country'] as const;
export const INTERACTION_COLUMNS = ['user_id', 'item_id', 'kind', 'ts', 'weight'] as const;
export type ItemColumn = (typeof ITEM_COLUMNS)[number];
export type UserColumn = (typeof USER_COLUMNS)[number];
export type InteractionColumn = (typeof INTERACTION_COLUMNS)[number];
export type TableName = 'items' | 'users' | 'interactions';

/** Required columns per table (others are optional and become NULL / '' when absent). */
export const REQUIRED: Readonly<Record<TableName, readonly string[]>> = {
  items: ['item_id', 'type'],
  users: ['user_id'],
  interactions: ['user_id', 'item_id', 'kind', 'ts'],
};

/** Default type names of the generator and adapters. */
export const TYPE_AUDIOBOOK = 'audiobook';
export const TYPE_PODCAST = 'podcast';
export const TYPE_MUSIC = 'music';

/** Which item types play which 2T-HGNN role (stored in the manifest). */
export interface Roles {
  /** the new, sparse type that is recommended (paper: audiobook) */
  target: string;
  /** item types that are nodes of the co-listening graph (paper: audiobook, podcast) */
  graph: string[];
  /** item types that only feed the user taste vector (paper: music) */
  taste: string[];
}
export const DEFAULT_ROLES: Roles = {
  target: TYPE_AUDIOBOOK,
  graph: [TYPE_AUDIOBOOK, TYPE_PODCAST],
  taste: [TYPE_MUSIC],
};

/** Workspace paths (relative to the workspace folder). */
export const WS = {
  tables: 'tables',
  items: 'tables/items.parquet',
  users: 'tables/users.parquet',
  interactions: 'tables/interactions.parquet',
  manifest: 'manifest.json',
  rejects: 'rejects.csv',
  split: 'split',
  train: 'split/train.parquet',
  test: 'split/test.parquet',
  userGroups: 'split/user_groups.parquet',
  itemTiers: 'split/item_tiers.parquet',
  splitMeta: 'split/split.json',
} as const;
