import { bytesToHex, hexToBytes } from './bytes';
import {
  encodeRacpNumberOfRecords,
  encodeRacpResponse,
  parseRacpRequest,
  parseRacpResponse,
  racpAbort,
  racpReportAllRecords,
  racpReportNumberOfAllRecords,
  racpReportNumberOfRecordsFromSequence,
  racpReportRecordsFromSequence,
  RacpOpCode,
  RacpResponseCode,
} from './racp';

describe('record access control point', () => {
  it.each([
    ['report all stored records (Glucose Profile §4.9 example 01 01)', racpReportAllRecords(), '0101'],
    ['report records with sequence number >= 10', racpReportRecordsFromSequence(10), '0103010a00'],
    ['report number of all stored records', racpReportNumberOfAllRecords(), '0401'],
    ['report number of records from sequence 0x0102', racpReportNumberOfRecordsFromSequence(0x0102), '0403010201'],
    ['abort', racpAbort(), '0300'],
  ])('builds %s', (_name, bytes, hex) => {
    expect(bytesToHex(bytes)).toBe(hex);
  });

  it.each([
    ['number of stored records = 10', '05000a00', { kind: 'numberOfRecords', count: 10 }],
    ['success for "report stored records"', '06000101', { kind: 'response', requestOpCode: 1, code: 1, codeName: 'success', success: true }],
    ['no records found', '06000106', { kind: 'response', requestOpCode: 1, code: 6, codeName: 'noRecordsFound', success: false }],
    ['operator not supported', '06000404', { kind: 'response', requestOpCode: 4, code: 4, codeName: 'operatorNotSupported', success: false }],
  ])('parses the response %s', (_name, hex, expected) => {
    expect(parseRacpResponse(hexToBytes(hex))).toEqual(expected);
  });

  it('rejects a truncated count response, naming the field', () => {
    expect(() => parseRacpResponse(hexToBytes('05000a'))).toThrow('record access control point response: needs 2 bytes for number of records at offset 2, got 1');
  });

  it('round-trips the responses a simulated device sends', () => {
    expect(parseRacpResponse(encodeRacpNumberOfRecords(300))).toEqual({ kind: 'numberOfRecords', count: 300 });
    expect(parseRacpResponse(encodeRacpResponse(RacpOpCode.reportStoredRecords, RacpResponseCode.success))).toMatchObject({ success: true });
  });

  it('parses the requests a gateway sends', () => {
    expect(parseRacpRequest(racpReportAllRecords())).toEqual({ opCode: 1, operator: 'all' });
    expect(parseRacpRequest(racpReportRecordsFromSequence(7))).toEqual({ opCode: 1, operator: 'fromSequence', sequence: 7 });
    expect(parseRacpRequest(racpAbort())).toEqual({ opCode: 3 });
  });

  it('says what a device would answer to an unsupported request', () => {
    expect(() => parseRacpRequest(hexToBytes('0105'))).toThrow(expect.objectContaining({ racpResponseCode: RacpResponseCode.operatorNotSupported }));
    expect(() => parseRacpRequest(hexToBytes('0901'))).toThrow(expect.objectContaining({ racpResponseCode: RacpResponseCode.opCodeNotSupported }));
  });
});
