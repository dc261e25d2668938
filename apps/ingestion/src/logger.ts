import pino, { Logger } from 'pino';

export type { Logger };

/** One JSON line per event. Patient data never goes in a log line beyond ids. */
export function createLogger(level: string, name = 'ingestion'): Logger {
  return pino({ name, level, base: { service: name } });
}
