/**
 * Errors the API answers with: a status, a machine-readable code, a message and, where a
 * request field is at fault, its path. Nothing else of an error (no stack) leaves the server.
 */
import { InputError, NotFoundError, UsageError } from '../core/errors.js';

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'headers_too_large'
  | 'rate_limited'
  | 'timeout'
  | 'not_ready'
  | 'unavailable'
  | 'internal';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** What a worker sends back for a failed operation (plain data: errors do not cross threads intact). */
export interface WireError {
  status: number;
  code: ErrorCode;
  message: string;
  field?: string;
}

/** An error thrown while serving a request, as the client may see it. */
export function toWire(err: unknown): WireError {
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) };
  if (err instanceof InputError) {
    const p = err.problems[0];
    return { status: 400, code: 'bad_request', message: err.message, ...(p?.field ? { field: p.field } : {}) };
  }
  if (err instanceof NotFoundError) return { status: 404, code: 'not_found', message: err.message };
  if (err instanceof UsageError || err instanceof RangeError) return { status: 400, code: 'bad_request', message: err.message };
  return { status: 500, code: 'internal', message: 'internal error (see the server log)' };
}

export function fromWire(w: WireError): HttpError {
  return new HttpError(w.status, w.code, w.message, w.field);
}
