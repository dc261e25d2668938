import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../shared/errors';

export type PatientsErrorCode = 'assignee_not_in_care_team';

const STATUS: Record<PatientsErrorCode, number> = {
  assignee_not_in_care_team: HttpStatus.BAD_REQUEST,
};

/** Errors of the board's patient routes, each with its code. */
export class PatientsError extends DomainError {
  constructor(code: PatientsErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
