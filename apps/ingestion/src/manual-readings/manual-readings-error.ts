import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../shared/errors';

export type ManualReadingsErrorCode = 'measurement_id_taken' | 'measured_in_future' | 'reading_not_found' | 'already_invalidated';

const STATUS: Record<ManualReadingsErrorCode, number> = {
  measurement_id_taken: HttpStatus.CONFLICT,
  measured_in_future: HttpStatus.BAD_REQUEST,
  reading_not_found: HttpStatus.NOT_FOUND,
  already_invalidated: HttpStatus.CONFLICT,
};

/** Errors of typed and proxy readings and of invalidating a reading, each with its code. */
export class ManualReadingsError extends DomainError {
  constructor(code: ManualReadingsErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
