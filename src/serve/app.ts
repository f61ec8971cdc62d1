// The HTTP service as a fastify instance that does not listen (server.ts listens; tests inject()).
// Hot reload: the served bundle is one reference; every request reads it once at its start and
// does all its work synchronously on it, so an answer never mixes two models. A bundle that
// fails to load is refused with a log line and the old one keeps serving.
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { SearchMode } from '../retrieval/index.ts';
import { loadServingBundle, type ServingBundle } from './bundle.ts';
import { ServeError, errors, show } from './errors.ts';
import type { FeatureEvent, FeatureStore } from './feature_store.ts';
import { Metrics } from './metrics.ts';
import { recommendUser, similarItems } from './recommender.ts';
import { ROUTES, openApiDocument } from './schemas.ts';
import type { Kind } from '../data/index.ts';

/** What buildApp needs. */
export interface AppDeps {
  store: FeatureStore;
  /** The bundle to serve at start (null: not ready until a reload succeeds). */
  bundle?: ServingBundle | null;
  /** Folder reloaded by POST /admin/reload (and SIGHUP in server.ts) when no path is given. */
  bundlePath?: string;
  /** How reloads load a folder (default loadServingBundle). */
  loadBundle?: (dir: string) => ServingBundle;
  /** 'auto' (the index default), 'exact' or 'ann'. */
  searchMode?: SearchMode;
  /** Request body limit in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** pino level (default 'info'); quiet = 'silent'. */
  logLevel?: string;
  quiet?: boolean;
  /** Log every request (fastify's request lines; default false: errors and reloads only). */
  requestLog?: boolean;
  /** Where log lines go (default stdout). */
  logStream?: { write(line: string): void };
  /** POST /v1/events refuses events later than the store's asOf() + this (default 1 day). */
  maxEventFutureMs?: number;
  /** When set, /admin/* needs `Authorization: Bearer <token>`. */
  adminToken?: string;
}

/** Hot-reload state, exposed as app.serving. */
export interface ServingState {
  /** The bundle serving now (null before the first successful load). */
  current(): ServingBundle | null;
  /** Loads `path` (default: the configured path) and swaps it in; throws ServeError('bundle_invalid') and keeps the old one on failure. */
  reload(path?: string): Promise<{ modelVersion: string; previous: string | null; path: string }>;
  readonly metrics: Metrics;
}

export type ServeApp = FastifyInstance & { serving: ServingState };

const DEFAULT_BODY_LIMIT = 1 << 20;

/**
 * Builds the service (routes, validation, errors, metrics, reload); call .listen() or .inject().
 * @example const app = buildApp({ store, bundle: loadServingBundle('ws/bundle'), bundlePath: 'ws/bundle' });
 */
export function buildApp(deps: AppDeps): ServeApp {
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    bodyLimit,
    logger: { level: deps.quiet ? 'silent' : deps.logLevel ?? 'info', ...(deps.logStream ? { stream: deps.logStream } : {}) },
    logController: new LogController({ disableRequestLogging: !deps.requestLog }),
    ajv: { customOptions: { verbose: true, allErrors: false, allowUnionTypes: true } },
  });
  const maxFutureMs = deps.maxEventFutureMs ?? 86_400_000;
  const store = deps.store, mode = deps.searchMode ?? 'auto', load = deps.loadBundle ?? ((d: string) => loadServingBundle(d));
  const metrics = new Metrics();
  let bundle: ServingBundle | null = deps.bundle ?? null;
  let bundlePath = deps.bundlePath ?? bundle?.dir ?? undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const setMetrics = (b: ServingBundle | null): void => { metrics.modelVersion = b?.modelVersion ?? ''; metrics.modelLoadedAt = b ? Date.now() : 0; };
  setMetrics(bundle);

  const serving: ServingState = {
    metrics,
    current: () => bundle,
    reload(path?: string) {
      const run = async (): Promise<{ modelVersion: string; previous: string | null; path: string }> => {
        const dir = path ?? bundlePath;
        if (!dir) throw errors.badField('path', 'is required: no bundle path is configured');
        let next: ServingBundle;
        try {
          next = load(dir);
        } catch (err) {
          metrics.reload('failed');
          const msg = (err as Error).message;
          app.log.error({ path: dir, reason: msg, serving: bundle?.modelVersion ?? null }, `bundle reload refused: ${msg}; still serving ${bundle?.modelVersion ?? 'nothing'}`);
          throw new ServeError('bundle_invalid', `bundle ${show(dir)} refused (${msg}); still serving ${show(bundle?.modelVersion ?? null)}`, 'path');
        }
        const old = bundle;
        bundle = next; // the one reference swap
        bundlePath = dir;
        setMetrics(next);
        metrics.reload('ok');
        app.log.info({ path: dir, modelVersion: next.modelVersion, previous: old?.modelVersion ?? null }, `serving bundle ${next.modelVersion}`);
        // requests are synchronous on the bundle they took, so none still uses the old one
        if (old && old !== next) setImmediate(() => old.dispose());
        return { modelVersion: next.modelVersion, previous: old?.modelVersion ?? null, path: dir };
      };
      const p = chain.then(run, run);
      chain = p.catch(() => undefined);
      return p;
    },
  };
  app.decorate('serving', serving);

  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.addHook('onClose', async () => { bundle?.dispose(); });
  app.setNotFoundHandler((req, reply) => { sendError(reply, errors.routeNotFound(req.method, req.url)); });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    sendError(reply, toServeError(err, bodyLimit, (e) => req.log.error({ err: e }, 'request failed')));
  });

  const ready = (): ServingBundle => {
    if (!bundle) throw errors.notReady();
    return bundle;
  };
  const checkType = (b: ServingBundle, t: string | undefined): void => {
    if (t !== undefined && t !== b.targetType) throw errors.unsupportedType('type', t, b.targetType);
  };

  app.route({
    ...ROUTES.userRecs,
    handler: async (req: FastifyRequest<{ Params: { id: string }; Querystring: { k: number; type?: string } }>) => {
      const b = ready(); // taken once: the whole answer comes from this bundle
      checkType(b, req.query.type);
      const u = store.getUser(req.params.id);
      if (!u) throw errors.userNotFound(req.params.id);
      return { user: req.params.id, ...recommendUser(b, u, { k: req.query.k, asOf: store.asOf(), mode }) };
    },
  });

  app.route({
    ...ROUTES.rawRecs,
    handler: async (req: FastifyRequest<{ Body: RawBody }>) => {
      const b = ready();
      const body = req.body;
      checkType(b, body.type);
      const hist = body.history ?? [];
      const tsList = hist.map((h, j) => (h.ts === undefined ? undefined : parseTs(h.ts, `history[${j}].ts`)));
      let asOf = body.asOf !== undefined ? parseTs(body.asOf, 'asOf') : store.asOf();
      if (body.asOf === undefined) for (const t of tsList) if (t !== undefined && t >= asOf) asOf = t + 1;
      const u = {
        age: body.age ?? null, country: body.country ?? null,
        history: { items: hist.map((h) => h.item), kinds: hist.map((h) => h.kind ?? 'stream'), ts: tsList.map((t) => t ?? asOf - 1) },
      };
      return recommendUser(b, u, { k: body.k ?? 10, asOf, mode });
    },
  });

  app.route({
    ...ROUTES.similar,
    handler: async (req: FastifyRequest<{ Params: { id: string }; Querystring: { k: number; type?: string } }>) => {
      const b = ready();
      checkType(b, req.query.type);
      const row = b.itemRow.get(req.params.id);
      if (row === undefined) throw errors.itemNotFound(req.params.id);
      return { item: req.params.id, ...similarItems(b, row, req.query.k, mode) };
    },
  });

  app.route({
    ...ROUTES.events,
    handler: async (req: FastifyRequest<{ Body: { events: EventBody[] } }>) => {
      const b = ready();
      const now = store.asOf();
      const evs: FeatureEvent[] = req.body.events.map((e, j) => {
        if (!b.itemRow.has(e.item)) throw errors.unknownItemInBody(`events[${j}].item`, e.item);
        const ts = e.ts === undefined ? now : parseTs(e.ts, `events[${j}].ts`);
        // an event far ahead of the store's clock would move asOf and age every history out
        if (ts > now + maxFutureMs) {
          throw errors.badField(`events[${j}].ts`, `must not be more than ${maxFutureMs} ms after the feature store time ${new Date(now).toISOString()}, got ${show(e.ts)} (omit ts to use the store time)`);
        }
        return { user: e.user, item: e.item, kind: e.kind ?? 'stream', ts };
      });
      const r = store.append(evs);
      return { ...r, asOf: new Date(store.asOf()).toISOString() };
    },
  });

  app.route({ ...ROUTES.healthz, handler: async () => ({ ok: true }) });
  app.route({
    ...ROUTES.readyz,
    handler: async () => {
      const b = ready();
      return { ready: true, modelVersion: b.modelVersion };
    },
  });
  app.route({
    ...ROUTES.metrics,
    handler: async (_req, reply) => {
      const s = store.stats();
      const extra = [
        '# HELP hgrec_feature_store_users Users in the feature store.', '# TYPE hgrec_feature_store_users gauge', `hgrec_feature_store_users ${s.users}`,
        '# HELP hgrec_feature_store_events Events kept in the feature store.', '# TYPE hgrec_feature_store_events gauge', `hgrec_feature_store_events ${s.events}`,
        '# HELP hgrec_feature_store_bytes Bytes of history arrays.', '# TYPE hgrec_feature_store_bytes gauge', `hgrec_feature_store_bytes ${s.historyBytes}`,
      ];
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return metrics.render(extra);
    },
  });
  const doc = openApiDocument('1');
  app.route({ ...ROUTES.openapi, handler: async () => doc });
  app.route({
    ...ROUTES.reload,
    handler: async (req: FastifyRequest<{ Body: { path?: string } | null }>) => {
      if (deps.adminToken !== undefined && req.headers.authorization !== `Bearer ${deps.adminToken}`) {
        throw new ServeError('unauthorized', 'admin routes need the header Authorization: Bearer <admin token>', 'authorization');
      }
      return serving.reload(req.body?.path);
    },
  });
  return app as unknown as ServeApp;
}

interface RawBody {
  k?: number;
  type?: string;
  age?: number | null;
  country?: string | null;
  asOf?: number | string;
  history?: { item: string; kind?: Kind; ts?: number | string }[];
}

interface EventBody {
  user: string;
  item: string;
  kind?: Kind;
  ts?: number | string;
}

function parseTs(v: number | string, field: string): number {
  const t = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(t)) throw errors.badField(field, `must be ms since epoch or an ISO-8601 time, got ${show(v)}`);
  return t;
}

function sendError(reply: FastifyReply, e: ServeError): void {
  reply.code(e.status).type('application/json; charset=utf-8').send(e.toJSON());
}

/** Maps any thrown error to a ServeError (validation -> 400 naming the field; unknown -> 500, logged). */
function toServeError(err: FastifyError, bodyLimit: number, logUnknown: (e: unknown) => void): ServeError {
  if (err instanceof ServeError) return err;
  if (err.validation && err.validation.length) {
    const v = err.validation[0] as { instancePath: string; keyword: string; message?: string; params: Record<string, unknown>; data?: unknown };
    let field = fieldName(v.instancePath);
    if (v.keyword === 'required') field = joinField(field, String(v.params.missingProperty));
    const got = v.keyword === 'required' ? 'nothing' : show(v.data);
    return errors.badField(field || (err.validationContext ?? 'request'), `${v.message ?? 'is invalid'}, got ${got}`);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return errors.bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new ServeError('unsupported_media_type', 'request body must be application/json', 'content-type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return errors.badField('body', 'must not be empty when content-type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return errors.badField('body', 'is not valid JSON');
  }
  if (err instanceof SyntaxError) return errors.badField('body', 'is not valid JSON');
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new ServeError('bad_request', err.message.replace(/\s+at .*/s, ''));
  }
  logUnknown(err);
  return errors.internal();
}

/** '/history/0/item' -> 'history[0].item' */
function fieldName(instancePath: string): string {
  let out = '';
  for (const part of instancePath.split('/').slice(1)) out = /^\d+$/.test(part) ? `${out}[${part}]` : joinField(out, part);
  return out;
}

function joinField(a: string, b: string): string {
  return a ? `${a}.${b}` : b;
}
