import { HttpStatus } from '@nestjs/common';

export interface DomainErrorOptions {
  /** sent as `Retry-After` (seconds): when the client may try again */
  retryAfterSeconds?: number;
}

/**
 * A domain error with a stable string code (per module) and the HTTP status it maps to.
 * Modules subclass it: `class AlertError extends DomainError {}`.
 */
export class DomainError extends Error {
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: string,
    message: string,
    readonly status: number = HttpStatus.BAD_REQUEST,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
