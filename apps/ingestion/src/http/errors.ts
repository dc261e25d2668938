import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from '../logger';

/**
 * A domain error with a stable string code (per module) and the HTTP status it maps to.
 * Modules subclass it: `class AlertError extends DomainError {}`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = HttpStatus.BAD_REQUEST,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One shape for every error a client sees: `{ statusCode, code, message }`. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    const { statusCode, code, message } = this.describe(exception);
    if (statusCode >= 500) this.logger.error({ event: 'http_error', err: (exception as Error)?.message, stack: (exception as Error)?.stack }, 'request failed');
    response.status(statusCode).json({ statusCode, code, message });
  }

  private describe(exception: unknown): { statusCode: number; code: string; message: string } {
    if (exception instanceof DomainError) return { statusCode: exception.status, code: exception.code, message: exception.message };
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      return { statusCode: exception.getStatus(), code: codeFor(exception.getStatus()), message: Array.isArray(message) ? message.join('; ') : String(message) };
    }
    return { statusCode: 500, code: 'internal_error', message: 'something went wrong on our side; it has been logged' };
  }
}

function codeFor(status: number): string {
  const codes: Record<number, string> = { 400: 'bad_request', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 429: 'too_many_requests' };
  return codes[status] ?? 'error';
}
