// Public API of the data stage (contracts in README.md).
export { KINDS, KIND_CODES, WEAK_KINDS, ITEM_COLUMNS, USER_COLUMNS, INTERACTION_COLUMNS, REQUIRED, DEFAULT_ROLES, WS,
  TYPE_AUDIOBOOK, TYPE_PODCAST, TYPE_MUSIC } from './schema.ts';
export type { Kind, Roles, TableName } from './schema.ts';
export { DataError, formatReject } from './errors.ts';
export type { InputLocation } from './errors.ts';
export type { ItemTable, UserTable, Interactions } from './types.ts';
export { openDuck, readColumns, lit, ident } from './duck.ts';
export type { Duck, DuckOptions } from './duck.ts';
export { writeFileAtomic, newVersionDir, publishVersion } from './atomic.ts';
export { loadItems, loadUsers, loadInteractions, loadWorkspace } from './loader.ts';
export type { LoadInteractionsOptions, Workspace } from './loader.ts';
export { ingest } from './ingest.ts';
export type { IngestOptions, IngestResult, Manifest } from './ingest.ts';
export type { TableSource, SourceFormat } from './source.ts';
export { generateSynthetic, buildWorld, generateEvents, SYNTHETIC_DEFAULTS } from './synthetic.ts';
export type { SyntheticOptions, GenerateSyntheticOptions, SyntheticResult, SyntheticWorld, SyntheticSink } from './synthetic.ts';
export { Rng } from './rng.ts';
export { temporalSplit, leaveLastOut, splitInteractions, chooseCut, subset, DAY_MS, DEFAULT_TEST_DAYS, DEFAULT_TEST_FRACTION } from './split.ts';
export type { Split, SplitInfo, SplitMethod, SplitOptions } from './split.ts';
export { userGroups, popularityTiers, GROUP_INACTIVE, GROUP_WARM, GROUP_COLD, GROUP_NAMES } from './groups.ts';
export type { UserGroups, PopularityTiers } from './groups.ts';
export { splitWorkspace, loadSplit, readManifest } from './split_workspace.ts';
export type { SplitWorkspaceOptions, LoadedSplit } from './split_workspace.ts';
