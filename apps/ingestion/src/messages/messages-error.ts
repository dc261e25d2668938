import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../shared/errors';

export type MessagesErrorCode = 'message_id_taken';

const STATUS: Record<MessagesErrorCode, number> = { message_id_taken: HttpStatus.CONFLICT };

/** Errors of the message thread, each with its code. */
export class MessagesError extends DomainError {
  constructor(code: MessagesErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
