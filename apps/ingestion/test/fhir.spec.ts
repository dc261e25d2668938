import type { Bundle, Device, Observation, OperationOutcome } from 'fhir/r4';
import type { Measurement } from '@tm/contracts';
import { validateBundle } from '../src/fhir/r4-validator';
import { batchOf, connectGateway, oximetry, startTestPlatform, TestGateway, TestPlatform } from '../src/testing';

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

/** A day of pt-001's readings from demo-gw-1: one of each device, with the flags their decoders set. */
const cuff = oximetry({
  id: 'fhir-bp-1',
  type: 'blood_pressure',
  deviceId: '5140500001',
  deviceModel: 'A&D UA-651BLE',
  measuredAt: minutesAgo(240),
  flags: { pressureUnit: 'mm[Hg]', bodyMovement: false, cuffTooLoose: false, irregularPulse: true, pulseRateRange: 'within', improperPosition: false },
  components: [
    { code: '8480-6', value: 142, unit: 'mm[Hg]' },
    { code: '8462-4', value: 91, unit: 'mm[Hg]' },
    { code: '8478-0', value: 108, unit: 'mm[Hg]' },
    { code: '8867-4', value: 72, unit: '/min' },
  ],
});
const spo2 = oximetry({ id: 'fhir-ox-1', measuredAt: minutesAgo(180), flags: { questionableMeasurement: true, sensorDisplaced: true, signalQuality: 'poor' } }, 93);
const scale = oximetry({
  id: 'fhir-ws-1',
  type: 'body_weight',
  deviceId: 'uc352-0001',
  deviceModel: 'A&D UC-352BLE',
  measuredAt: minutesAgo(120),
  flags: { weightUnit: 'kg' },
  components: [{ code: '29463-7', value: 82.4, unit: 'kg' }],
});
const spirometer = oximetry({
  id: 'fhir-sp-1',
  type: 'spirometry',
  deviceId: 'spiro-0001',
  deviceModel: 'Spirometer GHS',
  measuredAt: minutesAgo(60),
  flags: {},
  components: [
    { code: '20150-9', value: 1.8, unit: 'L' },
    { code: '19868-9', value: 3.1, unit: 'L' },
    { code: '19926-5', value: 58, unit: '%' },
    { code: '19935-6', value: 240, unit: 'L/min' },
  ],
});
/** 2 + 1 status (panel, pulse, irregular pulse) + 2 + 1 status (SpO2, pulse, sensor displaced) + 1 + 4 */
const DAY_OF_READINGS = 11;

describe('FHIR R4 export: GET /fhir/Observation', () => {
  let platform: TestPlatform;
  let gateway: TestGateway;
  let nurse: string;
  beforeAll(async () => {
    platform = await startTestPlatform();
    gateway = await connectGateway(platform.mqttUrl, 'demo-gw-1');
    const receipt = await gateway.publish(batchOf('demo-gw-1', [cuff, spo2, scale, spirometer]));
    expect(receipt.rejected).toEqual([]);
    const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
    nurse = ((await login.json()) as { token: string }).token;
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await platform?.stop();
  });

  const get = (pathOrUrl: string, token: string | null = nurse) =>
    fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${platform.httpUrl}${pathOrUrl}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const bundleOf = async (pathOrUrl: string): Promise<Bundle> => {
    const res = await get(pathOrUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    return (await res.json()) as Bundle;
  };
  /** every page from the first, following `next` links as a client does */
  const allPages = async (first: string): Promise<Bundle[]> => {
    const pages: Bundle[] = [];
    for (let url: string | undefined = first; url !== undefined; url = pages.at(-1)!.link?.find((l) => l.relation === 'next')?.url) {
      pages.push(await bundleOf(url));
      if (pages.length > 100) throw new Error('paging did not end');
    }
    return pages;
  };
  const matches = (bundle: Bundle) => (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as Observation);
  const ofMeasurement = (observations: Observation[], id: string) => observations.filter((o) => o.identifier?.some((i) => i.system === 'urn:telemonitoring:measurement' && i.value === id));
  const codesOf = (o: Observation | undefined, system: string) => (o?.code.coding ?? []).filter((c) => c.system === system).map((c) => c.code);

  it('answers a searchset that validates against the R4 StructureDefinitions, entry by entry, references resolved', async () => {
    const bundle = await bundleOf('/fhir/Observation?patient=pt-001');
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: DAY_OF_READINGS });
    const report = validateBundle(bundle);
    expect(report.problems).toEqual([]);
    expect(report.unchecked.sort()).toEqual([
      'http://hl7.org/fhir/uv/phd/StructureDefinition/PhdBitsEnumerationObservation',
      'http://hl7.org/fhir/uv/phd/StructureDefinition/PhdCompoundNumericObservation',
      'http://hl7.org/fhir/uv/phd/StructureDefinition/PhdNumericObservation',
    ]);
    expect(bundle.link).toEqual([{ relation: 'self', url: `${platform.httpUrl}/fhir/Observation?patient=pt-001&_count=100` }]);
  });

  it('exports the cuff reading as one 85354-9 panel, its pulse rate and its irregular-pulse status; SpO2 as 59408-5 and 2708-6', async () => {
    const observations = matches(await bundleOf('/fhir/Observation?patient=pt-001'));
    const [panel, pulse, status] = ofMeasurement(observations, 'fhir-bp-1');
    expect(codesOf(panel, 'http://loinc.org')).toEqual(['85354-9']);
    expect(panel?.component?.map((c) => c.valueQuantity?.value)).toEqual([142, 91, 108]);
    expect(Date.parse(panel?.effectiveDateTime ?? '')).toBe(Date.parse(cuff.measuredAt));
    expect(codesOf(pulse, 'urn:iso:std:iso:11073:10101')).toEqual(['149546']);
    expect(status?.component?.map((c) => c.code.coding?.[0]?.code)).toEqual(['8410608.2']);
    const [saturation, , oximeterStatus] = ofMeasurement(observations, 'fhir-ox-1');
    expect(codesOf(saturation, 'http://loinc.org')).toEqual(['59408-5', '2708-6']);
    expect(saturation?.interpretation?.[0]?.coding?.[0]?.code).toBe('questionable');
    expect(oximeterStatus?.component?.[0]?.code.coding?.[0]?.code).toBe('150604.2');
    const spirometry = ofMeasurement(observations, 'fhir-sp-1');
    expect(spirometry.map((o) => codesOf(o, 'http://loinc.org')[0])).toEqual(['20150-9', '19868-9', '19926-5', '19935-6']);
    expect(spirometry.flatMap((o) => o.category ?? []).flatMap((c) => c.coding ?? []).map((c) => c.code)).not.toContain('vital-signs');
  });

  it('lists the newest reading first and refers every Observation to a Device carried in the same page', async () => {
    const bundle = await bundleOf('/fhir/Observation?patient=pt-001');
    const times = matches(bundle).map((o) => Date.parse(o.effectiveDateTime!));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const devices = (bundle.entry ?? []).filter((e) => e.search?.mode === 'include');
    expect(devices.map((e) => e.resource?.resourceType)).toEqual(['Device', 'Device', 'Device', 'Device']);
    expect(devices.flatMap((e) => (e.resource as Device).identifier ?? []).map((i) => i.value)).toEqual(
      expect.arrayContaining(['5140500001', 'nonin-3230-0001', 'uc352-0001', 'spiro-0001']),
    );
  });

  it.each([1, 2, 3, 5])('pages with _count=%i: next links, the same total on every page, every Observation once, each page valid on its own', async (count) => {
    const pages = await allPages(`/fhir/Observation?patient=pt-001&_count=${count}`);
    const all = matches(await bundleOf('/fhir/Observation?patient=pt-001'));
    expect(pages.flatMap(matches).map((o) => o.id)).toEqual(all.map((o) => o.id));
    for (const page of pages) {
      expect(page.total).toBe(DAY_OF_READINGS);
      expect(matches(page).length).toBeLessThanOrEqual(count);
      expect(validateBundle(page).problems).toEqual([]);
    }
    const next = pages[0]!.link?.find((l) => l.relation === 'next')?.url;
    expect(next).toMatch(new RegExp(`^${platform.httpUrl}/fhir/Observation\\?patient=pt-001&_count=${count}&_cursor=[A-Za-z0-9_-]+$`));
  });

  it('pages readings stamped with the same microsecond one Observation at a time, losing none', async () => {
    const other = await connectGateway(platform.mqttUrl, 'demo-gw-3');
    const at = minutesAgo(30).replace(/Z$/, '456Z');
    const twins = ['fhir-tie-a', 'fhir-tie-b', 'fhir-tie-c'].map((id) => oximetry({ id, patientId: 'pt-003', measuredAt: at }));
    expect((await other.publish(batchOf('demo-gw-3', twins))).rejected).toEqual([]);
    await other.close();
    const pages = await allPages('/fhir/Observation?patient=pt-003&_count=1');
    const measurementOf = (o: Observation) => o.identifier?.find((i) => i.system === 'urn:telemonitoring:measurement')?.value;
    expect(pages.flatMap(matches).map(measurementOf)).toEqual(['fhir-tie-c', 'fhir-tie-c', 'fhir-tie-b', 'fhir-tie-b', 'fhir-tie-a', 'fhir-tie-a']);
    expect(matches(pages[0]!)[0]?.effectiveDateTime).toBe(at);
  });

  it('leaves total out with _total=none and answers the total alone with _count=0', async () => {
    expect(await bundleOf('/fhir/Observation?patient=pt-001&_total=none')).not.toHaveProperty('total');
    const counted = await bundleOf('/fhir/Observation?patient=Patient/pt-001&_count=0');
    expect(counted).toMatchObject({ total: DAY_OF_READINGS, entry: [] });
  });

  it('cuts nothing: 700 more readings come back whole over pages of the largest _count, and total counts them all', async () => {
    const many: Measurement[] = Array.from({ length: 700 }, (_, i) => oximetry({ id: `fhir-bulk-${i}`, measuredAt: minutesAgo(300 + i) }, 90 + (i % 8)));
    for (let i = 0; i < many.length; i += 350) expect((await gateway.publish(batchOf('demo-gw-1', many.slice(i, i + 350)))).rejected).toEqual([]);
    const pages = await allPages('/fhir/Observation?patient=pt-001&_count=1000');
    const ids = pages.flatMap(matches).map((o) => o.id);
    expect(pages).toHaveLength(2);
    expect(ids).toHaveLength(DAY_OF_READINGS + 1400);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages.every((p) => p.total === DAY_OF_READINGS + 1400)).toBe(true);
  }, 60_000);

  it('answers an empty searchset for a patient of hers without readings', async () => {
    const bundle = await bundleOf('/fhir/Observation?patient=pt-002');
    expect(bundle).toMatchObject({ total: 0, entry: [] });
    expect(bundle.link?.map((l) => l.relation)).toEqual(['self']);
  });

  it.each([
    ['a patient outside her care teams', '/fhir/Observation?patient=pt-011', true, 404, 'not-found', 'patient_not_found'],
    ['no patient', '/fhir/Observation', true, 400, 'invalid', 'invalid_request'],
    ['a cursor this server did not write', '/fhir/Observation?patient=pt-001&_cursor=bm9wZQ', true, 400, 'invalid', 'invalid_cursor'],
    ['a _count over 1000', '/fhir/Observation?patient=pt-001&_count=5000', true, 400, 'invalid', 'invalid_request'],
    ['no token', '/fhir/Observation?patient=pt-001', false, 401, 'login', 'unauthenticated'],
  ])('answers %s with an OperationOutcome', async (_name, path, signedIn, status, issue, code) => {
    const res = await get(path, signedIn ? nurse : null);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const outcome = (await res.json()) as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]).toMatchObject({ severity: 'error', code: issue, details: { coding: [{ code }] } });
  });

  it('audits each page read for the patient, and nothing for a patient she may not see', async () => {
    const audited = async (patientId: string) =>
      Number((await platform.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE username = 'nurse' AND action = 'patient.fhir.read' AND patient_id = $1`, [patientId])).rows[0]?.n);
    const before = await audited('pt-001');
    const pages = await allPages('/fhir/Observation?patient=pt-001&_count=400');
    expect(await audited('pt-001')).toBe(before + pages.length);
    expect(await audited('pt-011')).toBe(0);
    const { rows } = await platform.db.query<{ detail: { resourceType: string; _count: number } }>(
      `SELECT detail FROM audit_log WHERE action = 'patient.fhir.read' AND patient_id = 'pt-001' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0]?.detail).toMatchObject({ resourceType: 'Observation', _count: 400 });
  });
});
