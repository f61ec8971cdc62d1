// What the comparison needs from one workspace, computed once for every model and seed: the
// split and groups (src/data), the co-listening graph built from the TRAINING interactions
// (src/graph), the item features (src/features), and the evaluation context of a target type.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSplit, popularityTiers, readManifest, trainingAsOf, userGroups, WS, type LoadedSplit, type Manifest } from '../data/index.ts';
import { buildCoListeningGraph, graphNodeItemRows, type GraphBuildOptions, type HeteroGraph } from '../graph/index.ts';
import { fitItemFeatures, itemTableFromCoded, type ItemFeatures } from '../features/index.ts';
import { graphFeaturesFromCatalogue, type HgnnFeatures } from '../models/hgnn/index.ts';
import { buildEvalContext, type EvalContext } from './protocol.ts';
import type { TrainSet } from './baselines/recommender.ts';

/** Everything seed-independent the harness shares between models. */
export interface Prepared {
  ws: string;
  split: LoadedSplit;
  manifest: Manifest;
  target: string; // target type name
  graphTypes: string[]; // types that are graph nodes
  tasteTypes: string[];
  graph: HeteroGraph;
  graphSeconds: number;
  /** rows[t][local] = dense item id of graph node `local` of type t */
  nodeRows: Int32Array[];
  features: ItemFeatures;
  featureSeconds: number;
  /** HGNN input features per graph type (rows = graph local ids) */
  hgnnFeatures: HgnnFeatures;
  /** end of the training window (ms): split cut, or last training ts + 1 for leave-last-out */
  asOf: number;
}

export interface PrepareOptions {
  graph?: GraphBuildOptions;
  /** Text encoder width (TF-IDF → SVD). Default 128. */
  textDim?: number;
  /** Folder for the graph files (default <outDir>/graph). */
  graphDir: string;
  log?: (s: string) => void;
}

/** Loads the split, builds the graph and fits the item features. */
export async function prepareWorkspace(ws: string, o: PrepareOptions): Promise<Prepared> {
  const fn = 'prepareWorkspace';
  const log = o.log ?? (() => {});
  if (!existsSync(join(ws, WS.splitMeta))) throw new Error(`${fn}: ${join(ws, WS.splitMeta)} missing; run the data stage and the split first`);
  const manifest = readManifest(ws);
  const split = await loadSplit(ws);
  const roles = manifest.roles;
  const target = split.info.targetType || roles.target;
  const graphTypes = [...roles.graph];
  const t0 = performance.now();
  const g = await buildCoListeningGraph(
    { itemsPath: join(ws, WS.items), interactionsPath: join(ws, WS.train), outDir: o.graphDir },
    { nodeTypes: graphTypes, ...o.graph },
  );
  const graphSeconds = (performance.now() - t0) / 1000;
  log(`graph: ${g.graph.relations.map((r) => `${r.name} ${r.numEdges}`).join(', ')} (${graphSeconds.toFixed(1)} s)`);
  const items = split.items;
  const t1 = performance.now();
  const { features } = await fitItemFeatures(
    itemTableFromCoded(items),
    { item: split.train.item, ts: split.train.ts, user: split.train.user },
    { tfidfSvd: { dim: o.textDim ?? 128 }, stats: { tsUnitSeconds: 0.001 } },
  );
  const featureSeconds = (performance.now() - t1) / 1000;
  log(`features: dim ${features.dim} (${featureSeconds.toFixed(1)} s)`);
  const nodeRows = graphNodeItemRows(g.graph, items.index);
  const hgnnFeatures = graphFeaturesFromCatalogue(g.graph, items.index, features.x, features.dim);
  const asOf = trainingAsOf(split);
  return {
    ws, split, manifest, target, graphTypes, tasteTypes: [...roles.taste], graph: g.graph, graphSeconds, nodeRows,
    features, featureSeconds, hgnnFeatures, asOf,
  };
}

/** The training set over dense ids in the form the baselines read, for a target type. */
export function trainSetOf(p: Prepared, target: string): TrainSet {
  const { items, train } = p.split;
  const code = items.typeNames.indexOf(target);
  if (code < 0) throw new Error(`trainSetOf: target type '${target}' not among item types [${items.typeNames}]`);
  return {
    nUsers: p.split.users.n, nItems: items.n, user: train.user, item: train.item, kind: train.kind, ts: train.ts,
    itemType: items.type, targetType: code,
  };
}

/** Evaluation context (candidates, exclusions, targets, groups, tiers) for a target type. */
export function evalContextOf(p: Prepared, target: string): EvalContext {
  const { items, users, train, test } = p.split;
  const code = items.typeNames.indexOf(target);
  if (code < 0) throw new Error(`evalContextOf: target type '${target}' not among item types [${items.typeNames}]`);
  const sameTarget = target === p.split.info.targetType;
  const groups = sameTarget ? p.split.groups : userGroups(train, items, target);
  const tiers = sameTarget ? p.split.tiers : popularityTiers(train, items, target);
  return buildEvalContext(train, test, {
    nUsers: users.n, nItems: items.n, itemType: items.type, targetType: code, group: groups.group, itemTier: tiers.tier,
  });
}

/** Dense item vectors [nItems, D] from per-graph-type embeddings (rows of items outside the graph stay 0; mask says which). */
export function itemMatrixFromGraph(p: Prepared, z: Float32Array[], types: readonly string[], dim: number): { emb: Float32Array; mask: Uint8Array } {
  const N = p.split.items.n;
  const emb = new Float32Array(N * dim);
  const mask = new Uint8Array(N);
  p.graph.nodeTypes.forEach((t, gi) => {
    const zi = types.indexOf(t);
    if (zi < 0) return;
    const rows = p.nodeRows[gi]!, zt = z[zi]!;
    for (let i = 0; i < rows.length; i++) {
      emb.set(zt.subarray(i * dim, (i + 1) * dim), rows[i]! * dim);
      mask[rows[i]!] = 1;
    }
  });
  return { emb, mask };
}
