import type { CareNoteKind } from '@tm/contracts';
import { careNoteCommunicationFor, encounterFor, type CareNoteRow } from './care-note-mapping';
import { validateR4 } from './r4-validator';

/** Entries of pt-007's care record as home care and the nurse wrote them on 7 December 2026. */
const entry = (kind: CareNoteKind, patch: Partial<CareNoteRow> = {}): CareNoteRow => ({
  id: '41',
  patientId: 'pt-007',
  kind,
  text: 'Besøg kl. 10. Vejet 97,3 kg. Let hævede ankler.',
  outcome: 'Sygeplejerske orienteret',
  authorName: 'Demo home care',
  createdAt: '2026-12-07T09:05:00Z',
  ...patch,
});

describe('an entry of the shared care record as FHIR R4', () => {
  it.each<[CareNoteKind, string | null, string]>([
    ['note', null, 'Notat'],
    ['call', 'VR', 'Opkald'],
    ['visit', 'HH', 'Besøg'],
    ['video', 'VR', 'Videokonsultation'],
  ])('a %s: Encounter class %s, kind "%s", both valid R4', (kind, encounterClass, display) => {
    const communication = careNoteCommunicationFor(entry(kind));
    const encounter = encounterFor(entry(kind));
    expect(communication.category?.[0]?.coding?.[0]).toMatchObject({ code: kind, display });
    expect(encounter?.class.code ?? null).toBe(encounterClass);
    expect(communication.encounter?.reference ?? null).toBe(encounter ? `urn:uuid:${encounter.id}` : null);
    expect(validateR4(communication).problems).toEqual([]);
    if (encounter) expect(validateR4(encounter).problems).toEqual([]);
  });

  it('carries the text, then the outcome, written by the clinician about the patient', () => {
    expect(careNoteCommunicationFor(entry('visit'))).toMatchObject({
      status: 'completed',
      subject: { reference: 'Patient/pt-007' },
      sender: { display: 'Demo home care' },
      sent: '2026-12-07T09:05:00Z',
      identifier: [{ system: 'urn:telemonitoring:care-note', value: '41' }],
      payload: [{ contentString: 'Besøg kl. 10. Vejet 97,3 kg. Let hævede ankler.' }, { contentString: 'Sygeplejerske orienteret' }],
    });
    expect(careNoteCommunicationFor(entry('note', { outcome: null })).payload).toHaveLength(1);
  });

  it('keeps its ids from one export to the next, distinct for the Communication and the Encounter', () => {
    const first = [careNoteCommunicationFor(entry('call')).id, encounterFor(entry('call'))?.id];
    expect([careNoteCommunicationFor(entry('call')).id, encounterFor(entry('call'))?.id]).toEqual(first);
    expect(first[0]).not.toBe(first[1]);
    expect(careNoteCommunicationFor(entry('call', { id: '42' })).id).not.toBe(first[0]);
  });
});
