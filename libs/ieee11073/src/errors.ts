/** A GATT value that cannot be decoded; the message names the characteristic and what is wrong. */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** The value ended before a field it announced (flags promise more than the bytes hold). */
export class TruncatedError extends DecodeError {
  constructor(
    readonly context: string,
    readonly field: string,
    readonly offset: number,
    readonly needed: number,
    readonly available: number,
  ) {
    super(`${context}: needs ${needed} byte${needed === 1 ? '' : 's'} for ${field} at offset ${offset}, got ${available}`);
    this.name = 'TruncatedError';
  }
}

/** A value that cannot be put on the wire (out of range for its field). */
export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}
