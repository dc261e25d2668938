import type { Characteristic, Descriptor, Peripheral, Service } from '@abandonware/noble';
import { BluetoothUnavailableError } from './errors';

/** The noble API (the default export of `@abandonware/noble`, or a `Noble` built on other bindings). */
export type Noble = typeof import('@abandonware/noble');
export type { Characteristic, Descriptor, Peripheral, Service };

/**
 * Loads noble on first use: importing it opens the HCI socket, which throws on a machine
 * without an adapter (EAFNOSUPPORT) or without raw-socket rights (EPERM).
 */
export function loadNoble(load: () => unknown = defaultLoad): Noble {
  try {
    return load() as Noble;
  } catch (error) {
    throw new BluetoothUnavailableError(errorCode(error), error);
  }
}

function defaultLoad(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a static import would open the HCI socket at start-up
  return require('@abandonware/noble');
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, errno, message } = error as { code?: unknown; errno?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (typeof errno === 'number' || typeof errno === 'string') return `errno ${errno}`;
    if (typeof message === 'string') return message.split('\n')[0] ?? 'unknown error';
  }
  return String(error);
}
