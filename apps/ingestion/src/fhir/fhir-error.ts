import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Inject } from '@nestjs/common';
import type { OperationOutcome } from 'fhir/r4';
import type { Response } from 'express';
import { describeError } from '../http/errors';
import { DomainError } from '../shared/errors';
import { LOGGER } from '../shared/tokens';
import type { Logger } from '../logger';

export type FhirErrorCode = 'invalid_cursor' | 'questionnaire_not_found' | 'patient_not_found';

const STATUS: Record<FhirErrorCode, number> = {
  invalid_cursor: HttpStatus.BAD_REQUEST,
  questionnaire_not_found: HttpStatus.NOT_FOUND,
  patient_not_found: HttpStatus.NOT_FOUND,
};

export class FhirError extends DomainError {
  constructor(code: FhirErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** The FHIR issue type for an HTTP status (R4 IssueType value set). */
function issueType(status: number): OperationOutcome['issue'][number]['code'] {
  if (status === 400) return 'invalid';
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'throttled';
  if (status === 503) return 'transient';
  return status >= 500 ? 'exception' : 'processing';
}

/**
 * Errors on the FHIR routes as FHIR clients expect them: an OperationOutcome, with the same status,
 * code and message (and logging) the global filter gives every other route. The platform's error
 * code travels in `issue[0].details.coding`.
 */
@Catch()
export class FhirErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const answer = describeError(exception);
    if (answer.log === 'error') this.logger.error({ event: 'http_error', route: 'fhir', err: (exception as Error)?.message, stack: (exception as Error)?.stack }, 'request failed');
    else if (answer.log === 'warn') this.logger.warn({ event: 'http_unavailable', route: 'fhir', code: answer.code, err: (exception as Error)?.message }, 'request refused: a dependency is unavailable');
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const outcome: OperationOutcome = {
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: issueType(answer.statusCode),
          details: { coding: [{ system: 'urn:telemonitoring:error', code: answer.code }], text: answer.message },
        },
      ],
    };
    if (answer.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(Math.max(1, Math.ceil(answer.retryAfterSeconds))));
    response.status(answer.statusCode).type(FHIR_JSON).send(JSON.stringify(outcome));
  }
}
