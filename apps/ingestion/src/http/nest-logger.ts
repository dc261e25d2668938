import type { LoggerService } from '@nestjs/common';
import type { Logger } from '../logger';

/** Nest's own messages go through pino too, one JSON line each. */
export function nestLogger(logger: Logger): LoggerService {
  const log = logger.child({ component: 'nest' });
  return {
    log: (message: unknown, context?: string) => log.debug({ context }, String(message)),
    error: (message: unknown, trace?: string, context?: string) => log.error({ context, trace }, String(message)),
    warn: (message: unknown, context?: string) => log.warn({ context }, String(message)),
    debug: (message: unknown, context?: string) => log.trace({ context }, String(message)),
    verbose: (message: unknown, context?: string) => log.trace({ context }, String(message)),
  };
}
