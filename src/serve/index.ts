// HTTP recommendation service: serving bundles (model + index folder, hot-reloadable), the
// feature store, the fastify app and the listening server.
export {
  writeServingBundle, loadServingBundle, servingBundle, ServingBundleError, SERVING_FORMAT, SERVING_VERSION,
  type BundleManifest, type ItemsMeta, type ServingBundle, type WriteServingBundleOptions, type LoadServingBundleOptions,
} from './bundle.ts';
export {
  InMemoryFeatureStore, type FeatureStore, type FeatureEvent, type FeatureStoreStats, type UserFeatures, type InMemoryFeatureStoreOptions,
} from './feature_store.ts';
export { recommendUser, similarItems, type RecommendationAnswer, type RecommendedItem, type RecommendOptions } from './recommender.ts';
export { ItemVectorCache, because } from './item_vectors.ts';
export { buildApp, type AppDeps, type ServeApp, type ServingState } from './app.ts';
export { startServer, type StartServerOptions, type RunningServer } from './server.ts';
export { ServeError, ERROR_STATUS, type ErrorCode } from './errors.ts';
export { Metrics, LATENCY_BUCKETS } from './metrics.ts';
export { ROUTES, openApiDocument, MAX_K, MAX_HISTORY, MAX_EVENTS } from './schemas.ts';
