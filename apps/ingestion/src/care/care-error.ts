import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../shared/errors';

export type CareErrorCode = 'unknown_questionnaire' | 'invalid_answers' | 'authored_in_future' | 'implausible_time' | 'response_id_taken' | 'invalid_range' | 'not_a_patient' | 'patient_not_found' | 'plan_start_implausible' | 'already_discharged';

const STATUS: Record<CareErrorCode, number> = {
  unknown_questionnaire: HttpStatus.BAD_REQUEST,
  invalid_answers: HttpStatus.BAD_REQUEST,
  authored_in_future: HttpStatus.BAD_REQUEST,
  implausible_time: HttpStatus.BAD_REQUEST,
  response_id_taken: HttpStatus.CONFLICT,
  invalid_range: HttpStatus.BAD_REQUEST,
  not_a_patient: HttpStatus.FORBIDDEN,
  patient_not_found: HttpStatus.NOT_FOUND,
  plan_start_implausible: HttpStatus.BAD_REQUEST,
  already_discharged: HttpStatus.CONFLICT,
};

/** Errors of care plans, questionnaires and the patient's own routes, each with its code. */
export class CareError extends DomainError {
  constructor(code: CareErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
