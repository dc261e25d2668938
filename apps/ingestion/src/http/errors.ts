import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { isTransient } from '../db/db';
import type { Logger } from '../logger';
import { DomainError } from '../shared/errors';

/** How long a client waits before asking again while the database is away (the supervisor restarts it within seconds). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** What a client sees: `{ statusCode, code, message }`, plus `Retry-After` where waiting helps. */
interface ErrorAnswer {
  statusCode: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
  /** how the log sees it: `error` for our faults, `warn` for outages, nothing for a client's mistake */
  log?: 'error' | 'warn';
}

/** body-parser and the router reject a request with an `http-errors` error: a 4xx status and a `type`. */
interface HttpLibraryError {
  status: number;
  expose?: boolean;
  type?: string;
  limit?: number;
  length?: number;
  message: string;
}

function isHttpLibraryError(e: unknown): e is HttpLibraryError {
  const status = (e as { status?: unknown } | null)?.status;
  return e instanceof Error && typeof status === 'number' && status >= 400 && status < 500 && (e as { expose?: unknown }).expose !== false;
}

/** The database is not reachable right now: connection refused or lost, timeouts, shutdown (see isTransient). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isTransient(error)) return true;
  const e = error as { message?: unknown; cause?: unknown } | null;
  if (typeof e?.message === 'string' && /Query read timeout|Cannot use a pool after calling end|the embedded database is not running/i.test(e.message)) return true;
  return e?.cause !== undefined && e.cause !== error && isTransient(e.cause);
}

/**
 * A Postgres "data exception" (SQLSTATE class 22: invalid text, out-of-range number or date,
 * string too long) reached through a route is a value from the client the validation let through:
 * the client's fault, answered 400. The input guard stops most of them earlier.
 */
function postgresDataException(error: unknown): string | undefined {
  const e = error as { code?: unknown; severity?: unknown } | null;
  return typeof e?.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code) && typeof e.severity === 'string' ? e.code : undefined;
}

/** One shape for every error a client sees: `{ statusCode, code, message }`. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const request = host.switchToHttp().getRequest<{ method?: string; route?: { path?: string } }>();
    const response = host.switchToHttp().getResponse<Response>();
    const answer = describeError(exception);
    // the route pattern (`/api/patients/:id`), never the path with its ids
    const where = { method: request.method, route: request.route?.path };
    if (answer.log === 'error') this.logger.error({ event: 'http_error', ...where, err: (exception as Error)?.message, stack: (exception as Error)?.stack }, 'request failed');
    else if (answer.log === 'warn') this.logger.warn({ event: 'http_unavailable', ...where, code: answer.code, err: (exception as Error)?.message }, 'request refused: a dependency is unavailable');
    if (response.headersSent) {
      response.destroy();
      return;
    }
    if (answer.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(Math.max(1, Math.ceil(answer.retryAfterSeconds))));
    response.status(answer.statusCode).json({ statusCode: answer.statusCode, code: answer.code, message: answer.message });
  }
}

/** Maps anything thrown on the way to a response to what the client sees; exported for tests. */
export function describeError(exception: unknown): ErrorAnswer {
  if (exception instanceof DomainError) {
    return { statusCode: exception.status, code: exception.code, message: exception.message, retryAfterSeconds: exception.retryAfterSeconds, log: exception.status >= 500 ? 'error' : undefined };
  }
  if (exception instanceof HttpException) {
    const body = exception.getResponse();
    const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
    const statusCode = exception.getStatus();
    return { statusCode, code: codeFor(statusCode), message: Array.isArray(message) ? message.join('; ') : String(message), log: statusCode >= 500 ? 'error' : undefined };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      code: 'database_unavailable',
      message: `The database is unavailable right now; nothing was changed. Try again in ${DATABASE_RETRY_AFTER_SECONDS} s`,
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
      log: 'warn',
    };
  }
  if (isHttpLibraryError(exception)) return describeHttpLibraryError(exception);
  const sqlState = postgresDataException(exception);
  if (sqlState) {
    return { statusCode: HttpStatus.BAD_REQUEST, code: 'invalid_value', message: `A value in the request cannot be used (SQLSTATE ${sqlState}); check ids, dates and numbers`, log: undefined };
  }
  return { statusCode: 500, code: 'internal_error', message: 'something went wrong on our side; it has been logged', log: 'error' };
}

/**
 * For an Express error middleware right after the body parser: its rejection as a DomainError,
 * before Nest turns a parse error into a bare 400 and loses what kind it was.
 */
export function fromHttpLibraryError(error: unknown): unknown {
  if (!isHttpLibraryError(error) || error instanceof DomainError) return error;
  const answer = describeHttpLibraryError(error);
  return new DomainError(answer.code, answer.message, answer.statusCode);
}

function describeHttpLibraryError(e: HttpLibraryError): ErrorAnswer {
  switch (e.type ?? '') {
    case 'entity.too.large':
      return {
        statusCode: HttpStatus.PAYLOAD_TOO_LARGE,
        code: 'payload_too_large',
        message: `The request body${e.length !== undefined ? ` (${e.length} bytes)` : ''} is larger than the limit of ${e.limit ?? 'the configured'} bytes; send less per request`,
      };
    case 'entity.parse.failed':
      return { statusCode: HttpStatus.BAD_REQUEST, code: 'invalid_json', message: `The body is not valid JSON: ${e.message}` };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { statusCode: HttpStatus.UNSUPPORTED_MEDIA_TYPE, code: 'unsupported_encoding', message: `${e.message}; send the body as UTF-8 JSON without a content encoding, or gzip` };
    case 'request.aborted':
    case 'request.size.invalid':
      return { statusCode: HttpStatus.BAD_REQUEST, code: 'incomplete_body', message: 'The request body ended before its Content-Length; send it again' };
    default:
      return { statusCode: e.status, code: codeFor(e.status), message: e.message };
  }
}

function codeFor(status: number): string {
  const codes: Record<number, string> = {
    400: 'bad_request',
    401: 'unauthenticated',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'too_many_requests',
    503: 'unavailable',
  };
  return codes[status] ?? 'error';
}
