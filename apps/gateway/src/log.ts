import pino, { Logger } from 'pino';

export type { Logger };

/** Structured logs on stderr (stdout is for the CLI's own output); ids only, never personal data. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'tm-gateway' } }, pino.destination(2));
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
