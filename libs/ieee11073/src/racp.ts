import { ByteReader, ByteWriter } from './bytes';
import { DecodeError } from './errors';

/** Record Access Control Point (0x2A52), as used by the glucose, weight, BP and PLX profiles. */
export const RACP_UUID = '2a52';

export const RacpOpCode = {
  reportStoredRecords: 0x01,
  deleteStoredRecords: 0x02,
  abortOperation: 0x03,
  reportNumberOfStoredRecords: 0x04,
  numberOfStoredRecordsResponse: 0x05,
  responseCode: 0x06,
} as const;
export type RacpOpCode = (typeof RacpOpCode)[keyof typeof RacpOpCode];

export const RacpOperator = {
  null: 0x00,
  allRecords: 0x01,
  lessThanOrEqualTo: 0x02,
  greaterThanOrEqualTo: 0x03,
  withinRangeOf: 0x04,
  firstRecord: 0x05,
  lastRecord: 0x06,
} as const;
export type RacpOperator = (typeof RacpOperator)[keyof typeof RacpOperator];

export const RacpResponseCode = {
  success: 0x01,
  opCodeNotSupported: 0x02,
  invalidOperator: 0x03,
  operatorNotSupported: 0x04,
  invalidOperand: 0x05,
  noRecordsFound: 0x06,
  abortUnsuccessful: 0x07,
  procedureNotCompleted: 0x08,
  operandNotSupported: 0x09,
} as const;
export type RacpResponseCode = (typeof RacpResponseCode)[keyof typeof RacpResponseCode];

/** Filter type of a sequence-number operand (Glucose Profile numbering, reused by the other profiles). */
export const RACP_FILTER_SEQUENCE_NUMBER = 0x01;

const nameOf = <T extends Record<string, number>>(table: T, value: number): string =>
  Object.entries(table).find(([, v]) => v === value)?.[0] ?? `unknown (0x${value.toString(16).padStart(2, '0')})`;

export const racpResponseCodeName = (code: number): string => nameOf(RacpResponseCode, code);
export const racpOpCodeName = (code: number): string => nameOf(RacpOpCode, code);

export const racpReportAllRecords = (): Uint8Array => Uint8Array.of(RacpOpCode.reportStoredRecords, RacpOperator.allRecords);
export const racpReportRecordsFromSequence = (sequence: number): Uint8Array =>
  new ByteWriter().u8(RacpOpCode.reportStoredRecords).u8(RacpOperator.greaterThanOrEqualTo).u8(RACP_FILTER_SEQUENCE_NUMBER).u16(sequence).toBytes();
export const racpReportNumberOfAllRecords = (): Uint8Array => Uint8Array.of(RacpOpCode.reportNumberOfStoredRecords, RacpOperator.allRecords);
export const racpReportNumberOfRecordsFromSequence = (sequence: number): Uint8Array =>
  new ByteWriter().u8(RacpOpCode.reportNumberOfStoredRecords).u8(RacpOperator.greaterThanOrEqualTo).u8(RACP_FILTER_SEQUENCE_NUMBER).u16(sequence).toBytes();
export const racpAbort = (): Uint8Array => Uint8Array.of(RacpOpCode.abortOperation, RacpOperator.null);

export type RacpRequest =
  | { opCode: typeof RacpOpCode.reportStoredRecords | typeof RacpOpCode.reportNumberOfStoredRecords | typeof RacpOpCode.deleteStoredRecords; operator: 'all' }
  | { opCode: typeof RacpOpCode.reportStoredRecords | typeof RacpOpCode.reportNumberOfStoredRecords | typeof RacpOpCode.deleteStoredRecords; operator: 'fromSequence'; sequence: number }
  | { opCode: typeof RacpOpCode.abortOperation };

/**
 * The requests this gateway sends, parsed back (for simulated peripherals). Anything else is a
 * DecodeError whose `racpResponseCode` says what a device would answer.
 */
export class RacpRequestError extends DecodeError {
  constructor(
    message: string,
    readonly racpResponseCode: RacpResponseCode,
  ) {
    super(message);
    this.name = 'RacpRequestError';
  }
}

export function parseRacpRequest(bytes: Uint8Array): RacpRequest {
  const r = new ByteReader(bytes, 'record access control point request');
  const opCode = r.u8('op code');
  const operator = r.u8('operator');
  if (opCode === RacpOpCode.abortOperation) return { opCode };
  if (opCode !== RacpOpCode.reportStoredRecords && opCode !== RacpOpCode.reportNumberOfStoredRecords && opCode !== RacpOpCode.deleteStoredRecords)
    throw new RacpRequestError(`record access control point request: op code ${racpOpCodeName(opCode)} is not supported`, RacpResponseCode.opCodeNotSupported);
  if (operator === RacpOperator.allRecords) return { opCode, operator: 'all' };
  if (operator === RacpOperator.greaterThanOrEqualTo) {
    const filter = r.u8('filter type');
    if (filter !== RACP_FILTER_SEQUENCE_NUMBER)
      throw new RacpRequestError(`record access control point request: filter type 0x${filter.toString(16)} is not supported (only sequence number)`, RacpResponseCode.operandNotSupported);
    return { opCode, operator: 'fromSequence', sequence: r.u16('sequence number') };
  }
  throw new RacpRequestError(`record access control point request: operator ${nameOf(RacpOperator, operator)} is not supported`, RacpResponseCode.operatorNotSupported);
}

export type RacpResponse =
  | { kind: 'numberOfRecords'; count: number }
  | { kind: 'response'; requestOpCode: number; code: number; codeName: string; success: boolean };

export function parseRacpResponse(bytes: Uint8Array): RacpResponse {
  const r = new ByteReader(bytes, 'record access control point response');
  const opCode = r.u8('op code');
  r.u8('operator');
  if (opCode === RacpOpCode.numberOfStoredRecordsResponse) return { kind: 'numberOfRecords', count: r.u16('number of records') };
  if (opCode === RacpOpCode.responseCode) {
    const requestOpCode = r.u8('request op code');
    const code = r.u8('response code value');
    return { kind: 'response', requestOpCode, code, codeName: racpResponseCodeName(code), success: code === RacpResponseCode.success };
  }
  throw new DecodeError(`record access control point response: op code ${racpOpCodeName(opCode)} is not a response`);
}

export const encodeRacpNumberOfRecords = (count: number): Uint8Array =>
  new ByteWriter().u8(RacpOpCode.numberOfStoredRecordsResponse).u8(RacpOperator.null).u16(count).toBytes();
export const encodeRacpResponse = (requestOpCode: number, code: RacpResponseCode): Uint8Array =>
  Uint8Array.of(RacpOpCode.responseCode, RacpOperator.null, requestOpCode, code);
