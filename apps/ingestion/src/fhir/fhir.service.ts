import { Inject, Injectable } from '@nestjs/common';
import type { Bundle, FhirResource } from 'fhir/r4';
import { isPausedAt } from '@tm/rules';
import { questionnaireDefinition } from '@tm/contracts';
import { planView } from '../care/care-plan-repository';
import type { Db } from '../db/db';
import { DB } from '../shared/tokens';
import { patientForRules } from '../triage/thresholds-repository';
import { carePlanFor } from './care-plan-mapping';
import { careNoteCommunicationFor, encounterFor, encounterNotesPage, encounterTotal } from './care-note-mapping';
import { communicationFor, communicationsPage, communicationTotal, sourceIdOf } from './communication-mapping';
import { responsesPage, responseTotal, userDisplayName } from './care-repository';
import { FhirError } from './fhir-error';
import { deviceFor, observationsFor } from './observation-mapping';
import { measurementsPage, observationTotal } from './observation-repository';
import { questionnaireResponseFor } from './questionnaire-mapping';
import { type Cursor, cutPage, decodeCursor, encodeCursor, type Page, type PatientSearch, searchsetBundle, searchUrl, type SourceRow } from './searchset';

/** Where one patient searchset reads from: how many matches there are, and the source rows of a page. */
interface SearchSource {
  resourceType: 'Observation' | 'QuestionnaireResponse' | 'CarePlan' | 'Communication' | 'Encounter';
  total(): Promise<number>;
  /** the source rows from the cursor's row on, enough to fill `count` matches, and whether the store holds more beyond them */
  rows(cursor: Cursor | null, count: number): Promise<{ rows: SourceRow<FhirResource>[]; more: boolean }>;
}

/** The patient searchsets of the FHIR export: where each reads from, and how a page is cut. */
@Injectable()
export class FhirService {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** The patient's Observations, newest first, with the Devices they refer to. */
  observations(search: PatientSearch, base: string): Promise<Bundle> {
    return this.searchset(search, base, {
      resourceType: 'Observation',
      total: () => observationTotal(this.db, search.patient),
      rows: async (cursor, count) => {
        // every measurement makes at least one Observation: _count + 1 of them fill the page and show whether another follows
        const limit = count + 1;
        const measurements = await measurementsPage(this.db, search.patient, cursor, limit);
        return { rows: measurements.map((m) => ({ at: m.measuredAt, id: m.measurementId, resources: observationsFor(m), includes: [deviceFor(m)] })), more: measurements.length === limit };
      },
    });
  }

  /** The patient's questionnaire answers, newest answered first. */
  questionnaireResponses(search: PatientSearch, base: string): Promise<Bundle> {
    return this.searchset(search, base, {
      resourceType: 'QuestionnaireResponse',
      total: () => responseTotal(this.db, search.patient),
      rows: async (cursor, count) => {
        // one resource per response: _count of them, one more to show whether another follows, and the cursor's own (carried already)
        const limit = count + 1 + (cursor ? 1 : 0);
        const responses = await responsesPage(this.db, search.patient, cursor, limit);
        const rows = responses.map((r) => ({ at: r.authoredAt, id: r.id, resources: [questionnaireResponseFor(r, questionnaireDefinition(r.questionnaireId, r.questionnaireVersion))] }));
        return { rows, more: responses.length === limit };
      },
    });
  }

  /**
   * The messages between the patient and their care teams and the care record's entries, newest
   * first, one Communication each; a call, visit or video carries its Encounter along on the page.
   */
  communications(search: PatientSearch, base: string): Promise<Bundle> {
    return this.searchset(search, base, {
      resourceType: 'Communication',
      total: () => communicationTotal(this.db, search.patient),
      rows: async (cursor, count) => {
        const limit = count + 1 + (cursor ? 1 : 0);
        const sources = await communicationsPage(this.db, search.patient, cursor, limit);
        const rows = sources.map((row): SourceRow<FhirResource> => {
          if (row.source === 'message') return { at: row.message.sentAt, id: sourceIdOf(row), resources: [communicationFor(row.message)] };
          const encounter = encounterFor(row.note);
          return { at: row.note.createdAt, id: sourceIdOf(row), resources: [careNoteCommunicationFor(row.note)], includes: encounter ? [encounter] : [] };
        });
        return { rows, more: sources.length === limit };
      },
    });
  }

  /** The calls, visits and video consultations of the shared care record, newest first, one Encounter each. */
  encounters(search: PatientSearch, base: string): Promise<Bundle> {
    return this.searchset(search, base, {
      resourceType: 'Encounter',
      total: () => encounterTotal(this.db, search.patient),
      rows: async (cursor, count) => {
        const limit = count + 1 + (cursor ? 1 : 0);
        const notes = await encounterNotesPage(this.db, search.patient, cursor, limit);
        // the page reads calls, visits and video only, so each row is an Encounter
        const rows = notes.flatMap((n) => {
          const encounter = encounterFor(n);
          return encounter ? [{ at: n.createdAt, id: n.id, resources: [encounter] }] : [];
        });
        return { rows, more: notes.length === limit };
      },
    });
  }

  /** The patient's care plan in force, as one CarePlan. */
  carePlans(search: PatientSearch, base: string): Promise<Bundle> {
    return this.searchset(search, base, {
      resourceType: 'CarePlan',
      total: () => Promise.resolve(1),
      rows: async () => {
        const patient = await patientForRules(this.db, search.patient);
        if (!patient) throw new FhirError('patient_not_found', `No patient ${search.patient}`);
        const now = new Date();
        const view = planView(patient, now);
        const displayName = view.changedBy === null ? null : await userDisplayName(this.db, view.changedBy);
        const onHold = isPausedAt(patient, now);
        const plan = carePlanFor({ view, author: { userId: view.changedBy, displayName }, onHold });
        return { rows: [{ at: view.changedAt ?? view.startedAt, id: `${view.patientId}/${view.version}`, resources: [plan] }], more: false };
      },
    });
  }

  /**
   * One page of a patient searchset (access is checked and the read audited by the route): the
   * cursor, the total (unless `_total=none`), the page cut from the source rows, and the Bundle
   * with its `self` and `next` links.
   */
  private async searchset(search: PatientSearch, base: string, from: SearchSource): Promise<Bundle> {
    const cursor = search._cursor === undefined ? null : decodeCursor(search._cursor);
    if (search._cursor !== undefined && cursor === null) throw new FhirError('invalid_cursor', 'The _cursor is not one this server wrote: follow the "next" link of the previous page, or leave _cursor out to start again');
    const total = search._total === 'none' ? undefined : await from.total();
    let page: Page<FhirResource> = { matches: [], includes: [], next: undefined };
    if (search._count > 0) {
      const { rows, more } = await from.rows(cursor, search._count);
      page = cutPage<FhirResource>(rows, search._count, cursor, more);
    }
    const params = { patient: search.patient, _count: search._count, _total: search._total };
    return searchsetBundle({
      self: searchUrl(base, from.resourceType, { ...params, _cursor: search._cursor }),
      next: page.next ? searchUrl(base, from.resourceType, { ...params, _cursor: encodeCursor(page.next) }) : undefined,
      total,
      matches: page.matches,
      includes: page.includes,
    });
  }
}
