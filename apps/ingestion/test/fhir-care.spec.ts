import type { Bundle, CarePlan, Extension, OperationOutcome, Questionnaire, QuestionnaireResponse } from 'fhir/r4';
import { PatientCarePlanSchema, type QuestionnaireResponse as ResponseBody } from '@tm/contracts';
import { addDays, localDate, PLAN_TIME_ZONE } from '@tm/rules';
import { validateBundle, validateR4 } from '../src/fhir/r4-validator';
import { startTestPlatform, TestPlatform } from '../src/testing';

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
const TRIAGE = 'https://telemonitoring.example/fhir/StructureDefinition/triage';
const TOTAL_SCORE = 'https://telemonitoring.example/fhir/StructureDefinition/total-score';
const CANONICAL = 'https://telemonitoring.example/fhir/Questionnaire';

const usualKol = { breathlessness: 'usual', cough: 'usual', 'sputum-amount': 'usual', 'sputum-colour': 'usual', fever: false, 'rescue-medicine': 'usual' };
const usualHeart = { breathlessness: 'usual', 'ankle-swelling': 'usual', pillows: 'usual', dizziness: 'no', tiredness: 'usual' };
const response = (id: string, questionnaireId: string, answers: Record<string, string | number | boolean>, authoredAt: string): ResponseBody => ({
  id,
  questionnaireId,
  questionnaireVersion: '1',
  authoredAt,
  answers: Object.entries(answers).map(([linkId, value]) => ({ linkId, value })),
});

/** What borger1 (pt-001) answered in the app this morning, oldest first: a yellow diary, the mMRC grade, then blood in the phlegm. */
const PT001_ANSWERS = [
  response('fhir-care-kol-yellow', 'telekol-symptom-diary', { ...usualKol, cough: 'more' }, minutesAgo(90)),
  response('fhir-care-mmrc', 'mmrc', { grade: 2 }, minutesAgo(60)),
  response('fhir-care-kol-red', 'telekol-symptom-diary', { ...usualKol, 'sputum-colour': 'blood' }, minutesAgo(30)),
];

describe('FHIR R4 export of care: GET /fhir/QuestionnaireResponse, /fhir/CarePlan, /fhir/Questionnaire/:id', () => {
  let platform: TestPlatform;
  const tokens = new Map<string, string>();
  beforeAll(async () => {
    platform = await startTestPlatform();
    for (const username of ['nurse', 'homecare', 'borger1', 'borger6']) {
      const res = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: username }) });
      tokens.set(username, ((await res.json()) as { token: string }).token);
    }
    for (const body of PT001_ANSWERS) expect((await post('borger1', body)).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
  });

  const post = (username: string, body: ResponseBody) =>
    fetch(`${platform.httpUrl}/api/me/questionnaire-responses`, { method: 'POST', headers: { authorization: `Bearer ${tokens.get(username)}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = (pathOrUrl: string, username: string | null = 'nurse') =>
    fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${platform.httpUrl}${pathOrUrl}`, { headers: username ? { authorization: `Bearer ${tokens.get(username)}` } : {} });
  const bundleOf = async (pathOrUrl: string, username = 'nurse'): Promise<Bundle> => {
    const res = await get(pathOrUrl, username);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    return (await res.json()) as Bundle;
  };
  const allPages = async (first: string): Promise<Bundle[]> => {
    const pages: Bundle[] = [];
    for (let url: string | undefined = first; url !== undefined; url = pages.at(-1)!.link?.find((l) => l.relation === 'next')?.url) {
      pages.push(await bundleOf(url));
      if (pages.length > 100) throw new Error('paging did not end');
    }
    return pages;
  };
  const matches = <T>(bundle: Bundle) => (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as T);
  const responseId = (r: QuestionnaireResponse) => r.identifier?.value;
  const triageOf = (node: { extension?: Extension[] } | undefined) => node?.extension?.find((e) => e.url === TRIAGE)?.valueCoding?.code;
  const audited = async (resourceType: string, patientId: string, username = 'nurse') =>
    Number(
      (
        await platform.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE username = $1 AND action = 'patient.fhir.read' AND patient_id = $2 AND detail->>'resourceType' = $3`, [
          username,
          patientId,
          resourceType,
        ])
      ).rows[0]?.n,
    );

  describe('QuestionnaireResponse', () => {
    it('answers pt-001’s responses newest first, each valid R4 (checked against the StructureDefinitions), total counted', async () => {
      const bundle = await bundleOf('/fhir/QuestionnaireResponse?patient=pt-001');
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 3 });
      expect(validateBundle(bundle)).toEqual({ problems: [], unchecked: [] });
      expect(matches<QuestionnaireResponse>(bundle).map(responseId)).toEqual(['fhir-care-kol-red', 'fhir-care-mmrc', 'fhir-care-kol-yellow']);
      expect(bundle.link).toEqual([{ relation: 'self', url: `${platform.httpUrl}/fhir/QuestionnaireResponse?patient=pt-001&_count=100` }]);
    });

    it('exports blood in the phlegm as a coded answer in Danish, red, and the diary as red; the mMRC grade with its total and band', async () => {
      const [red, mmrc, yellow] = matches<QuestionnaireResponse>(await bundleOf('/fhir/QuestionnaireResponse?patient=pt-001'));
      expect(red).toMatchObject({
        status: 'completed',
        questionnaire: `${CANONICAL}/telekol-symptom-diary|1`,
        subject: { reference: 'Patient/pt-001' },
        identifier: { system: 'urn:telemonitoring:questionnaire-response', value: 'fhir-care-kol-red' },
      });
      expect(Date.parse(red!.authored!)).toBe(Date.parse(PT001_ANSWERS[2]!.authoredAt));
      const colour = red?.item?.find((i) => i.linkId === 'sputum-colour')?.answer?.[0];
      expect(colour?.valueCoding).toEqual({ system: 'urn:telemonitoring:questionnaire:telekol-symptom-diary:sputum-colour', code: 'blood', display: 'Der er blod i slimet' });
      expect(triageOf(colour)).toBe('red');
      expect(red?.item?.find((i) => i.linkId === 'fever')?.answer?.[0]).toMatchObject({ valueBoolean: false });
      expect([triageOf(red), triageOf(mmrc), triageOf(yellow)]).toEqual(['red', 'green', 'yellow']);
      expect(mmrc?.extension?.find((e) => e.url === TOTAL_SCORE)?.valueDecimal).toBe(2);
      expect(mmrc?.item?.[0]?.answer?.[0]?.valueCoding).toMatchObject({ code: '2', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/ordinalValue', valueDecimal: 2 }] });
    });

    it.each([1, 2, 3])('pages with _count=%i: next links, the same total on every page, every response once, each page valid, no empty last page', async (count) => {
      const pages = await allPages(`/fhir/QuestionnaireResponse?patient=pt-001&_count=${count}`);
      expect(pages).toHaveLength(Math.ceil(3 / count));
      expect(pages.flatMap((p) => matches<QuestionnaireResponse>(p)).map(responseId)).toEqual(['fhir-care-kol-red', 'fhir-care-mmrc', 'fhir-care-kol-yellow']);
      for (const page of pages) {
        expect(page.total).toBe(3);
        expect(validateBundle(page).problems).toEqual([]);
      }
      if (pages.length > 1) expect(pages[0]!.link?.find((l) => l.relation === 'next')?.url).toMatch(new RegExp(`^${platform.httpUrl}/fhir/QuestionnaireResponse\\?patient=pt-001&_count=${count}&_cursor=[A-Za-z0-9_-]+$`));
    });

    it('pages responses answered at the same instant one at a time, losing none (borger6, TeleHjerte)', async () => {
      const at = minutesAgo(20);
      for (const id of ['fhir-care-tie-a', 'fhir-care-tie-b', 'fhir-care-tie-c']) expect((await post('borger6', response(id, 'telehjerte-symptom-diary', usualHeart, at))).status).toBe(201);
      const pages = await allPages('/fhir/QuestionnaireResponse?patient=pt-006&_count=1');
      expect(pages.map((p) => matches<QuestionnaireResponse>(p).map(responseId))).toEqual([['fhir-care-tie-c'], ['fhir-care-tie-b'], ['fhir-care-tie-a']]);
      // the instant as stored (the app's milliseconds), written as people write it: 07:15:00.1Z, not 07:15:00.100000Z
      expect(Date.parse(matches<QuestionnaireResponse>(pages[0]!)[0]!.authored!)).toBe(Date.parse(at));
    });

    it('leaves total out with _total=none, answers the total alone with _count=0, and an empty searchset for a patient without answers', async () => {
      expect(await bundleOf('/fhir/QuestionnaireResponse?patient=pt-001&_total=none')).not.toHaveProperty('total');
      expect(await bundleOf('/fhir/QuestionnaireResponse?patient=Patient/pt-001&_count=0')).toMatchObject({ total: 3, entry: [] });
      const none = await bundleOf('/fhir/QuestionnaireResponse?patient=pt-002');
      expect(none).toMatchObject({ total: 0, entry: [] });
      expect(none.link?.map((l) => l.relation)).toEqual(['self']);
    });

    it('names a questionnaire whose canonical resolves here: GET /fhir/Questionnaire/<last segment> answers it, valid R4, same version', async () => {
      const [red] = matches<QuestionnaireResponse>(await bundleOf('/fhir/QuestionnaireResponse?patient=pt-001'));
      const [url, version] = red!.questionnaire!.split('|');
      for (const username of ['nurse', 'borger1']) {
        const res = await get(`/fhir/Questionnaire/${url!.split('/').pop()}`, username);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
        const q = (await res.json()) as Questionnaire;
        expect(q).toMatchObject({ resourceType: 'Questionnaire', url, version, status: 'active' });
        expect(validateR4(q)).toEqual({ problems: [], unchecked: [] });
        expect(q.item?.map((i) => i.linkId)).toEqual(red!.item!.map((i) => i.linkId));
      }
    });
  });

  describe('CarePlan', () => {
    it('answers pt-001’s plan in force as one active CarePlan from the plan’s start, its activities timed from day 0, valid R4', async () => {
      const plan = PatientCarePlanSchema.parse(await (await fetch(`${platform.httpUrl}/api/patients/pt-001/plan`, { headers: { authorization: `Bearer ${tokens.get('nurse')}` } })).json());
      const bundle = await bundleOf('/fhir/CarePlan?patient=pt-001');
      expect(bundle).toMatchObject({ type: 'searchset', total: 1 });
      expect(validateBundle(bundle)).toEqual({ problems: [], unchecked: [] });
      const [carePlan] = matches<CarePlan>(bundle);
      expect(carePlan).toMatchObject({
        status: 'active',
        intent: 'plan',
        subject: { reference: 'Patient/pt-001' },
        period: { start: plan.startedAt },
        identifier: [{ system: 'urn:telemonitoring:care-plan', value: `pt-001/${plan.version}` }],
        author: { type: 'Device', identifier: { value: 'system' } },
      });
      const day0 = localDate(new Date(plan.startedAt), PLAN_TIME_ZONE);
      const details = (carePlan?.activity ?? []).map((a) => a.detail!);
      expect(details.map((d) => [d.kind, d.status, d.scheduledTiming?.repeat?.frequency, d.scheduledTiming?.repeat?.periodUnit])).toEqual([
        ['ServiceRequest', 'in-progress', 2, 'd'],
        ['ServiceRequest', 'scheduled', 2, 'wk'],
        ['ServiceRequest', 'in-progress', 2, 'd'],
        ['ServiceRequest', 'scheduled', 2, 'wk'],
        ['Task', 'in-progress', 1, 'd'],
        ['Task', 'scheduled', 2, 'wk'],
      ]);
      expect(details[0]?.scheduledTiming?.repeat?.boundsPeriod).toEqual({ start: day0, end: addDays(day0, 13) });
      expect(details[1]?.scheduledTiming?.repeat?.boundsPeriod).toEqual({ start: addDays(day0, 14) });
      expect(details[4]?.instantiatesCanonical).toEqual([`${CANONICAL}/telekol-symptom-diary`]);
    });

    it('answers the version a nurse set, naming her and the version it replaced; a paused patient’s plan is on hold', async () => {
      const change = { activities: [{ activity: 'pulse_oximetry', timesPerWeek: 3 }, { activity: 'questionnaire:mmrc', timesPerWeek: 1 }] };
      const put = await fetch(`${platform.httpUrl}/api/patients/pt-002/plan`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tokens.get('nurse')}`, 'content-type': 'application/json' },
        body: JSON.stringify(change),
      });
      expect(put.status).toBe(200);
      const bundle = await bundleOf('/fhir/CarePlan?patient=pt-002');
      expect(validateBundle(bundle).problems).toEqual([]);
      const [carePlan] = matches<CarePlan>(bundle);
      expect(carePlan).toMatchObject({
        identifier: [{ value: 'pt-002/2' }],
        replaces: [{ type: 'CarePlan', identifier: { system: 'urn:telemonitoring:care-plan', value: 'pt-002/1' } }],
        author: { type: 'Practitioner', identifier: { system: 'urn:telemonitoring:user', value: 'demo-nurse' }, display: 'Demo nurse' },
      });
      expect(carePlan?.activity?.map((a) => a.detail?.scheduledTiming?.repeat?.dayOfWeek?.length)).toEqual([3, 1]);

      await platform.db.query(`UPDATE patients SET paused_from = now() - interval '1 hour', paused_until = now() + interval '2 days' WHERE id = 'pt-003'`);
      const [paused] = matches<CarePlan>(await bundleOf('/fhir/CarePlan?patient=pt-003'));
      expect(paused?.status).toBe('on-hold');
    });

    it('answers the total alone with _count=0', async () => {
      expect(await bundleOf('/fhir/CarePlan?patient=pt-001&_count=0')).toMatchObject({ total: 1, entry: [] });
    });
  });

  describe('access and errors, as for Observation', () => {
    it.each([
      ['the nurse asking for pt-011 (outside her care teams): QuestionnaireResponse', '/fhir/QuestionnaireResponse?patient=pt-011', 'nurse', 404, 'not-found', 'patient_not_found'],
      ['the nurse asking for pt-011: CarePlan', '/fhir/CarePlan?patient=pt-011', 'nurse', 404, 'not-found', 'patient_not_found'],
      ['borger1 asking for pt-002’s answers', '/fhir/QuestionnaireResponse?patient=pt-002', 'borger1', 404, 'not-found', 'patient_not_found'],
      ['borger1 asking for pt-002’s plan', '/fhir/CarePlan?patient=pt-002', 'borger1', 404, 'not-found', 'patient_not_found'],
      ['borger1 on the clinicians’ export of his own answers (his are under /api/me)', '/fhir/QuestionnaireResponse?patient=pt-001', 'borger1', 403, 'forbidden', 'forbidden'],
      ['no token', '/fhir/CarePlan?patient=pt-001', null, 401, 'login', 'unauthenticated'],
      ['no patient', '/fhir/QuestionnaireResponse', 'nurse', 400, 'invalid', 'invalid_request'],
      ['a cursor this server did not write', '/fhir/QuestionnaireResponse?patient=pt-001&_cursor=bm9wZQ', 'nurse', 400, 'invalid', 'invalid_cursor'],
      ['a _count over 1000', '/fhir/CarePlan?patient=pt-001&_count=5000', 'nurse', 400, 'invalid', 'invalid_request'],
      ['an unknown Questionnaire', '/fhir/Questionnaire/cat', 'nurse', 404, 'not-found', 'questionnaire_not_found'],
    ])('answers %s with an OperationOutcome', async (_name, path, username, status, issue, code) => {
      const res = await get(path, username);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      const outcome = (await res.json()) as OperationOutcome;
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue[0]).toMatchObject({ severity: 'error', code: issue, details: { coding: [{ code }] } });
    });

    it('lets home care (kommune-odense) read pt-001’s answers and plan', async () => {
      expect((await bundleOf('/fhir/QuestionnaireResponse?patient=pt-001', 'homecare')).total).toBe(3);
      expect((await bundleOf('/fhir/CarePlan?patient=pt-001', 'homecare')).total).toBe(1);
    });

    it('audits every page read with its resource type and parameters, and nothing for a patient the reader may not see', async () => {
      const before = await audited('QuestionnaireResponse', 'pt-001');
      const pages = await allPages('/fhir/QuestionnaireResponse?patient=pt-001&_count=2');
      expect(await audited('QuestionnaireResponse', 'pt-001')).toBe(before + pages.length);
      const plans = await audited('CarePlan', 'pt-001');
      await bundleOf('/fhir/CarePlan?patient=pt-001');
      expect(await audited('CarePlan', 'pt-001')).toBe(plans + 1);
      expect(await audited('QuestionnaireResponse', 'pt-011')).toBe(0);
      expect(await audited('CarePlan', 'pt-011')).toBe(0);
      expect(await audited('QuestionnaireResponse', 'pt-002', 'borger1')).toBe(0);
      const { rows } = await platform.db.query<{ detail: Record<string, unknown> }>(
        `SELECT detail FROM audit_log WHERE action = 'patient.fhir.read' AND patient_id = 'pt-001' AND detail->>'resourceType' = 'QuestionnaireResponse' ORDER BY id DESC LIMIT 1`,
      );
      expect(rows[0]?.detail).toMatchObject({ resourceType: 'QuestionnaireResponse', patient: 'pt-001', _count: 2, _cursor: expect.any(String) });
    });
  });
});
