import { HttpStatus, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { DomainError } from '../shared/errors';

export class ValidationError extends DomainError {}

/** Validates a body or query with its contract schema; the message names each field that is wrong. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    const message = parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    throw new ValidationError('invalid_request', message, HttpStatus.BAD_REQUEST);
  }
}
