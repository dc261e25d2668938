import { io, Socket } from 'socket.io-client';
import { CareNoteSchema, ContactsSchema, MessageSchema, ObservationRowSchema, PatientSummarySchema, StoredReadingSchema, type AlertEvent, type ObservationEvent } from '@tm/contracts';
import type { Bundle, Communication, Observation } from 'fhir/r4';
import { validateBundle } from '../src/fhir/r4-validator';
import { startTestPlatform, TestPlatform, eventually, demoUsers } from '../src/testing';

/**
 * ARCHITECTURE.md §12 through HTTP on the embedded platform: messages both ways (and the board's
 * yellow until read), typed and proxy readings through the triage step, invalidation, the shared
 * care record and contacts. Users are the demo ones: borger1 is pt-001; the nurse and home care
 * are both in pt-001's care teams; nurse is not in pt-011's (hospital-other).
 */
describe('the care team’s work and the patient’s voice (ARCHITECTURE.md §12)', () => {
  let platform: TestPlatform;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await platform?.stop();
  });

  const { tokenOf, call } = demoUsers(() => platform.httpUrl);
  const boardRow = async (username: string, patientId: string) => PatientSummarySchema.array().parse((await call(username, 'GET', '/api/patients')).json).find((p) => p.id === patientId)!;
  const audited = async (username: string, action: string, patientId: string) =>
    Number((await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log WHERE username = $1 AND action = $2 AND patient_id = $3', [username, action, patientId])).rows[0]?.n);
  const connectLive = async (username: string) => {
    const socket = io(`${platform.httpUrl}/live`, { auth: { token: await tokenOf(username) }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const alerts: AlertEvent[] = [];
    const observations: ObservationEvent[] = [];
    socket.on('alert', (e: AlertEvent) => alerts.push(e));
    socket.on('observation', (e: ObservationEvent) => observations.push(e));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { alerts, observations };
  };
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

  it('a patient’s message is a yellow "Besked fra patienten" on the board and the nurse’s socket until a clinician reads it; the answer reaches the patient', async () => {
    const live = await connectLive('nurse');
    const before = await boardRow('nurse', 'pt-001');

    const sent = await call('borger1', 'POST', '/api/me/messages', { id: 'msg-pt001-1', text: 'Jeg har haft mere åndenød i nat.' });
    expect(sent.status).toBe(201);
    expect(MessageSchema.parse(sent.json)).toMatchObject({ direction: 'from_patient', text: 'Jeg har haft mere åndenød i nat.', readAt: null });
    // the app sending again (no network answer seen): stored once, nothing raised twice
    const again = await call('borger1', 'POST', '/api/me/messages', { id: 'msg-pt001-1', text: 'Jeg har haft mere åndenød i nat.' });
    expect(again.status).toBe(200);

    const row = await boardRow('nurse', 'pt-001');
    // green, or no readings yet: the message makes the patient yellow; a worse colour stays
    if (before.triage === 'green' || before.triage === 'no_data') expect(row).toMatchObject({ triage: 'yellow', triageReason: 'Besked fra patienten' });
    else expect(row.triage).toBe(before.triage);
    const open = await platform.db.query<{ count: number; severity: string }>(`SELECT count, severity FROM alerts WHERE patient_id = 'pt-001' AND rule = 'patient-message' AND status <> 'resolved'`);
    expect(open.rows).toEqual([{ count: 1, severity: 'yellow' }]);
    await eventually(async () => expect(live.alerts.some((a) => a.patientId === 'pt-001' && a.rule === 'patient-message' && a.status === 'open')).toBe(true));

    // a blank message is refused, naming the field
    const blank = await call('borger1', 'POST', '/api/me/messages', { id: 'msg-pt001-2', text: '   ' });
    expect(blank.status).toBe(400);
    expect(JSON.stringify(blank.json)).toContain('text');

    // home care reads the thread: reading alone marks nothing; the nurse opens it (read) and answers
    const thread = await call('homecare', 'GET', '/api/patients/pt-001/messages');
    expect(thread.status).toBe(200);
    expect(MessageSchema.array().parse(thread.json).map((m) => m.text)).toEqual(['Jeg har haft mere åndenød i nat.']);
    expect((await call('nurse', 'POST', '/api/patients/pt-001/messages/read')).json).toEqual({ read: 1 });
    expect((await platform.db.query(`SELECT 1 FROM alerts WHERE patient_id = 'pt-001' AND rule = 'patient-message' AND status <> 'resolved'`)).rowCount).toBe(0);
    expect((await boardRow('nurse', 'pt-001')).triage).toBe(before.triage);
    await eventually(async () => expect(live.alerts.some((a) => a.patientId === 'pt-001' && a.rule === 'patient-message' && a.status === 'resolved')).toBe(true));

    const answer = await call('nurse', 'POST', '/api/patients/pt-001/messages', { text: 'Tak. Ring til os på afdelingen, hvis det bliver værre.' });
    expect(answer.status).toBe(201);
    const own = MessageSchema.array().parse((await call('borger1', 'GET', '/api/me/messages')).json);
    expect(own.map((m) => [m.direction, m.text])).toEqual([
      ['from_patient', 'Jeg har haft mere åndenød i nat.'],
      ['to_patient', 'Tak. Ring til os på afdelingen, hvis det bliver værre.'],
    ]);
    expect(own[0]!.readAt).not.toBeNull();
    expect(await audited('borger1', 'patient.message.create', 'pt-001')).toBe(1);
    expect(await audited('borger1', 'patient.message.repeat', 'pt-001')).toBe(1);
    expect(await audited('nurse', 'patient.message.create', 'pt-001')).toBe(1);
    expect(await audited('homecare', 'patient.messages.read', 'pt-001')).toBe(1);

    // FHIR: the thread as Communications, valid R4
    const fhir = await call('nurse', 'GET', '/fhir/Communication?patient=pt-001');
    expect(fhir.status).toBe(200);
    const bundle = fhir.json as Bundle;
    const communications = (bundle.entry ?? []).map((e) => e.resource as Communication);
    expect(communications.map((c) => [c.sender?.reference ?? c.sender?.display, c.payload?.[0]?.contentString])).toEqual([
      ['Demo nurse', 'Tak. Ring til os på afdelingen, hvis det bliver værre.'],
      ['Patient/pt-001', 'Jeg har haft mere åndenød i nat.'],
    ]);
    expect(communications[1]!.received).toBeDefined();
    expect((await call('nurse', 'GET', '/fhir/Communication?patient=pt-011')).status).toBe(404);

    // outside the nurse's care teams: as if the patient did not exist; a patient cannot use the clinicians' route
    expect((await call('nurse', 'GET', '/api/patients/pt-011/messages')).status).toBe(404);
    expect((await call('borger1', 'POST', '/api/patients/pt-001/messages', { text: 'hej' })).status).toBe(403);

    // validated last: the validator holds this process (and so the server in it) for seconds, and a
    // kept-alive connection the server times out meanwhile would reset the next request
    expect(validateBundle(bundle)).toEqual({ problems: [], unchecked: [] });
  }, 60_000);

  it('typed and proxy readings go through the triage step with source and author; a clinician can invalidate one', async () => {
    const live = await connectLive('nurse');
    // a typed SpO2 of 84 % is red as from a gateway
    const typed = await call('borger1', 'POST', '/api/me/observations', {
      id: 'typed-pt001-1',
      type: 'pulse_oximetry',
      measuredAt: minutesAgo(5),
      components: [{ code: '59408-5', value: 84, unit: '%' }, { code: '8867-4', value: 80, unit: '/min' }],
    });
    expect(typed.status).toBe(201);
    expect(StoredReadingSchema.parse(typed.json)).toMatchObject({ source: 'patient', authorUserId: 'demo-borger1', invalidatedAt: null });
    expect((await boardRow('nurse', 'pt-001')).triage).toBe('red');
    await eventually(async () => expect(live.observations.some((o) => o.measurementId === 'typed-pt001-1')).toBe(true));
    expect((await call('borger1', 'POST', '/api/me/observations', { ...(typed.json as object), id: 'typed-pt001-1', type: 'pulse_oximetry', measuredAt: (typed.json as { measuredAt: string }).measuredAt })).status).toBe(200);

    // the gateway contract's checks, with the field named
    const bad = await call('borger1', 'POST', '/api/me/observations', { id: 'typed-pt001-2', type: 'blood_pressure', measuredAt: minutesAgo(1), components: [{ code: '8480-6', value: 80, unit: 'mm[Hg]' }, { code: '8462-4', value: 95, unit: 'mm[Hg]' }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toMatch(/components.*diastolic 95 must be below systolic 80/);

    // home care weighs the patient on a visit
    const weight = await call('homecare', 'POST', '/api/patients/pt-001/observations', { id: 'proxy-pt001-w1', type: 'body_weight', measuredAt: minutesAgo(2), components: [{ code: '29463-7', value: 71.4, unit: 'kg' }] });
    expect(weight.status).toBe(201);
    expect(StoredReadingSchema.parse(weight.json)).toMatchObject({ source: 'clinician', authorUserId: 'demo-homecare' });
    const listed = ObservationRowSchema.array().parse((await call('nurse', 'GET', '/api/patients/pt-001/observations?code=29463-7')).json);
    expect(listed.some((o) => o.measurementId === 'proxy-pt001-w1' && o.value === 71.4)).toBe(true);
    expect((await platform.db.query(`SELECT source, author_user_id, gateway_id FROM measurements WHERE measurement_id = 'proxy-pt001-w1'`)).rows).toEqual([{ source: 'clinician', author_user_id: 'demo-homecare', gateway_id: null }]);

    // FHIR: coded as entered manually, performed by whoever typed it; valid R4 with the PHD profiles
    const fhir = await call('nurse', 'GET', '/fhir/Observation?patient=pt-001');
    expect(fhir.status).toBe(200);
    const bundle = fhir.json as Bundle;
    const ofReading = (id: string) =>
      (bundle.entry ?? []).map((e) => e.resource as Observation).filter((o) => o.resourceType === 'Observation' && o.identifier?.some((i) => i.value === id));
    expect(ofReading('proxy-pt001-w1').map((o) => [o.method?.coding?.[0]?.code, o.performer?.[0]?.identifier?.value])).toEqual([['manual-clinician', 'demo-homecare']]);
    expect(ofReading('typed-pt001-1').map((o) => [o.method?.coding?.[0]?.code, o.performer?.[0]?.reference])).toContainEqual(['manual-patient', 'Patient/pt-001']);

    // the nurse marks the typed SpO2 as wrong: out of the readings and the rules' history, kept with who and why
    const wrong = await call('nurse', 'POST', '/api/patients/pt-001/observations/typed-pt001-1/invalidate', { reason: 'Fingeren var kold; målt igen til 95 %' });
    expect(wrong.status).toBe(200);
    expect(StoredReadingSchema.parse(wrong.json)).toMatchObject({ invalidatedBy: 'nurse', invalidationReason: 'Fingeren var kold; målt igen til 95 %', components: expect.arrayContaining([{ code: '59408-5', value: 84, unit: '%' }]) });
    const spo2 = ObservationRowSchema.array().parse((await call('nurse', 'GET', '/api/patients/pt-001/observations?code=59408-5')).json);
    expect(spo2.some((o) => o.measurementId === 'typed-pt001-1')).toBe(false);
    expect((await call('nurse', 'POST', '/api/patients/pt-001/observations/typed-pt001-1/invalidate', { reason: 'igen' })).status).toBe(409);
    expect((await call('nurse', 'POST', '/api/patients/pt-001/observations/nope/invalidate', { reason: 'x' })).status).toBe(404);
    expect((await call('borger1', 'POST', '/api/patients/pt-001/observations/proxy-pt001-w1/invalidate', { reason: 'x' })).status).toBe(403);
    expect(await audited('nurse', 'patient.observation.invalidate', 'pt-001')).toBe(1);
    expect(await audited('homecare', 'patient.observation.create', 'pt-001')).toBe(1);
    // validated last, for the reason given in the first test
    expect(validateBundle(bundle).problems).toEqual([]);
  }, 60_000);

  it('hospital and home care both write and read the care record and the contacts', async () => {
    const visit = await call('homecare', 'POST', '/api/patients/pt-001/notes', { kind: 'visit', text: 'Besøg. Vejet 71,4 kg, ingen ødemer.', outcome: 'Ingen opfølgning' });
    expect(visit.status).toBe(201);
    const call1 = await call('nurse', 'POST', '/api/patients/pt-001/notes', { kind: 'call', text: 'Ringede om målingen.', outcome: 'Talt med patienten' });
    expect(call1.status).toBe(201);
    expect((await call('nurse', 'POST', '/api/patients/pt-001/notes', { kind: 'letter', text: 'x' })).status).toBe(400);
    const notes = CareNoteSchema.array().parse((await call('homecare', 'GET', '/api/patients/pt-001/notes')).json);
    expect(notes.map((n) => [n.kind, n.authorName])).toEqual([
      ['call', 'Demo nurse'],
      ['visit', 'Demo home care'],
    ]);
    expect((await call('nurse', 'GET', '/api/patients/pt-011/notes')).status).toBe(404);

    const empty = ContactsSchema.parse((await call('nurse', 'GET', '/api/patients/pt-001/contacts')).json);
    expect(empty).toMatchObject({ phone: null, relatives: [], gp: null });
    const saved = await call('homecare', 'PUT', '/api/patients/pt-001/contacts', {
      phone: '+45 20 30 40 50',
      relatives: [{ name: 'Anna Jensen', relation: 'datter', phone: '+45 21 22 23 24', consentToContact: true }],
      gp: { name: 'Lægehuset Vestergade', phone: '+45 66 11 22 33' },
    });
    expect(saved.status).toBe(200);
    expect(ContactsSchema.parse((await call('nurse', 'GET', '/api/patients/pt-001/contacts')).json)).toMatchObject({ phone: '+45 20 30 40 50', relatives: [{ name: 'Anna Jensen', consentToContact: true }], updatedBy: 'homecare' });
    expect((await call('nurse', 'PUT', '/api/patients/pt-001/contacts', { phone: 'ring mig', relatives: [], gp: null })).status).toBe(400);
  }, 60_000);
});
