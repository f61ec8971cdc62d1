// Every error the service answers with, in one table: HTTP status + a message naming the bad
// value. Responses carry { error: { code, message, field? } } and never a stack trace.

/** Error codes of the HTTP API with their status. */
export const ERROR_STATUS = {
  bad_request: 400,
  unsupported_type: 400,
  unknown_item_in_body: 400,
  unauthorized: 401,
  user_not_found: 404,
  item_not_found: 404,
  route_not_found: 404,
  body_too_large: 413,
  unsupported_media_type: 415,
  bundle_invalid: 422,
  not_ready: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error the service turns into a JSON response. `field` names the request field at fault. */
export class ServeError extends Error {
  override readonly name = 'ServeError';
  readonly status: number;

  constructor(readonly code: ErrorCode, message: string, readonly field?: string) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  toJSON(): { error: { code: ErrorCode; message: string; field?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

/** Short JSON rendering of a bad value for messages (clipped to 80 characters). */
export function show(v: unknown): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export const errors = {
  userNotFound: (id: string) => new ServeError('user_not_found', `user ${show(id)} not found in the feature store`, 'id'),
  itemNotFound: (id: string) => new ServeError('item_not_found', `item ${show(id)} not found in the served model's catalogue`, 'id'),
  unsupportedType: (field: string, got: string, served: string) =>
    new ServeError('unsupported_type', `${field} must be ${show(served)} (the item type this model recommends), got ${show(got)}`, field),
  badField: (field: string, message: string) => new ServeError('bad_request', `${field} ${message}`, field),
  unknownItemInBody: (field: string, id: string) =>
    new ServeError('unknown_item_in_body', `${field} is ${show(id)}, an item the served model does not know`, field),
  notReady: () => new ServeError('not_ready', 'no serving bundle is loaded yet'),
  bodyTooLarge: (limit: number) => new ServeError('body_too_large', `request body exceeds the limit of ${limit} bytes`),
  routeNotFound: (method: string, url: string) => new ServeError('route_not_found', `no route ${method} ${show(url.split('?')[0])}`),
  internal: () => new ServeError('internal', 'internal error (see the server log)'),
};
