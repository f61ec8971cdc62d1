// JSON schemas of the routes (fastify validates requests and serialises responses with them)
// and the OpenAPI 3.1 document built from the same objects.
import { KINDS } from '../data/index.ts';

export const MAX_K = 1000;
export const MAX_HISTORY = 1000;
export const MAX_EVENTS = 1000;

const k = { type: 'integer', minimum: 1, maximum: MAX_K, default: 10, description: 'number of items to return' };
const type = { type: 'string', minLength: 1, description: "item type to recommend (the bundle's target type)" };
const ts = { type: ['number', 'string'], description: 'ms since epoch or an ISO-8601 time' };
const kind = { type: 'string', enum: [...KINDS], default: 'stream' };
const errorBody = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } } },
};
const recItem = {
  type: 'object', required: ['id', 'score', 'because'],
  properties: { id: { type: 'string' }, score: { type: 'number' }, title: { type: 'string' }, because: { type: 'array', items: { type: 'string' } } },
};
const answer = {
  type: 'object',
  properties: {
    user: { type: 'string' }, modelVersion: { type: 'string' }, type: { type: 'string' }, asOf: { type: 'string' },
    ignoredHistory: { type: 'integer' }, items: { type: 'array', items: recItem },
  },
};
const errors = (...codes: number[]): Record<number, unknown> => Object.fromEntries(codes.map((c) => [c, errorBody]));

/** Route definitions: method, url (fastify syntax), summary, schema. */
export const ROUTES = {
  userRecs: {
    method: 'GET', url: '/v1/users/:id/recommendations', summary: "Top-K for a known user on the user's current features",
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } },
      querystring: { type: 'object', properties: { k, type } },
      response: { 200: answer, ...errors(400, 404, 503) },
    },
  },
  rawRecs: {
    method: 'POST', url: '/v1/recommendations', summary: 'Top-K for raw user data (cold start: a user the store has never seen)',
    schema: {
      body: {
        type: 'object',
        properties: {
          k, type,
          age: { type: ['integer', 'null'], minimum: 0, maximum: 150 },
          country: { type: ['string', 'null'], maxLength: 64 },
          asOf: { ...ts, description: 'feature time (default: the feature store clock, after the latest history event)' },
          history: {
            type: 'array', maxItems: MAX_HISTORY, default: [],
            items: { type: 'object', required: ['item'], properties: { item: { type: 'string', minLength: 1 }, kind, ts } },
          },
        },
      },
      response: { 200: answer, ...errors(400, 413, 503) },
    },
  },
  similar: {
    method: 'GET', url: '/v1/items/:id/similar', summary: 'Items of the target type closest to an item (item-tower vectors)',
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } },
      querystring: { type: 'object', properties: { k, type } },
      response: {
        200: {
          type: 'object',
          properties: {
            item: { type: 'string' }, modelVersion: { type: 'string' }, type: { type: 'string' },
            items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, score: { type: 'number' }, title: { type: 'string' } } } },
          },
        },
        ...errors(400, 404, 503),
      },
    },
  },
  events: {
    method: 'POST', url: '/v1/events', summary: 'Append interactions to the feature store (the next request sees them)',
    schema: {
      body: {
        type: 'object', required: ['events'],
        properties: {
          events: {
            type: 'array', minItems: 1, maxItems: MAX_EVENTS,
            items: {
              type: 'object', required: ['user', 'item'],
              properties: { user: { type: 'string', minLength: 1, maxLength: 256 }, item: { type: 'string', minLength: 1 }, kind, ts },
            },
          },
        },
      },
      response: { 200: { type: 'object', properties: { appended: { type: 'integer' }, newUsers: { type: 'integer' }, asOf: { type: 'string' } } }, ...errors(400, 413) },
    },
  },
  healthz: { method: 'GET', url: '/healthz', summary: 'Liveness', schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } } },
  readyz: {
    method: 'GET', url: '/readyz', summary: 'Readiness: a bundle is loaded',
    schema: { response: { 200: { type: 'object', properties: { ready: { type: 'boolean' }, modelVersion: { type: 'string' } } }, ...errors(503) } },
  },
  metrics: { method: 'GET', url: '/metrics', summary: 'Prometheus metrics (text format 0.0.4)', schema: {} },
  openapi: { method: 'GET', url: '/openapi.json', summary: 'This document', schema: {} },
  reload: {
    method: 'POST', url: '/admin/reload', summary: 'Load a bundle folder (default: the configured path) and swap it in atomically',
    schema: {
      body: { type: ['object', 'null'], properties: { path: { type: 'string', minLength: 1 } } },
      response: {
        200: { type: 'object', properties: { modelVersion: { type: 'string' }, previous: { type: ['string', 'null'] }, path: { type: 'string' } } },
        ...errors(400, 401, 422),
      },
    },
  },
} as const;

type AnySchema = Record<string, unknown>;

/** OpenAPI 3.1 document of ROUTES. */
export function openApiDocument(version: string): AnySchema {
  const paths: Record<string, AnySchema> = {};
  for (const r of Object.values(ROUTES)) {
    const s = r.schema as AnySchema;
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: AnySchema[] = [];
    for (const [where, key] of [['path', 'params'], ['query', 'querystring']] as const) {
      const obj = s[key] as { properties: Record<string, AnySchema>; required?: string[] } | undefined;
      if (!obj) continue;
      for (const [name, schema] of Object.entries(obj.properties)) {
        parameters.push({ name, in: where, required: where === 'path' || !!obj.required?.includes(name), schema });
      }
    }
    const responses: Record<string, AnySchema> = {};
    const resp = (s.response ?? {}) as Record<string, AnySchema>;
    for (const [code, schema] of Object.entries(resp)) responses[code] = { description: code === '200' ? 'OK' : 'error', content: { 'application/json': { schema } } };
    if (!Object.keys(responses).length) responses['200'] = { description: 'OK' };
    const op: AnySchema = { summary: r.summary, parameters, responses };
    if (s.body) op.requestBody = { required: r.url !== '/admin/reload', content: { 'application/json': { schema: s.body } } };
    paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: op };
  }
  return { openapi: '3.1.0', info: { title: 'hgrec recommendation service', version }, paths };
}
