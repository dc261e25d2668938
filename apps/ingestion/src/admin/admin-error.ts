import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../shared/errors';

export type AdminErrorCode = 'invalid_request' | 'not_found' | 'already_exists' | 'unknown_care_team' | 'unknown_patient' | 'gateway_revoked';

const STATUS: Record<AdminErrorCode, number> = {
  invalid_request: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  already_exists: HttpStatus.CONFLICT,
  unknown_care_team: HttpStatus.BAD_REQUEST,
  unknown_patient: HttpStatus.BAD_REQUEST,
  gateway_revoked: HttpStatus.CONFLICT,
};

export class AdminError extends DomainError {
  constructor(code: AdminErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
