import { useEffect, useRef, useState } from 'react';
import { PatientAdherenceSummarySchema, type PatientAdherenceSummary } from '@tm/contracts';
import { z } from 'zod';
import { query } from '../shared/api';
import { useLiveEvents, useResource, useSession } from '../shared/context';

/**
 * After a live event the summaries are fetched again this much later, once for all the events in
 * between: each fetch is audited per patient, so the board does not follow every reading.
 */
const REFRESH_AFTER_EVENT_MS = 15_000;
/** Overdue is a matter of the clock too: a day ends without a reading and nothing arrives to say so. */
const REFRESH_EVERY_MS = 60_000;

/**
 * GET /api/patients/adherence, by patient: this week's expected vs received and what the plan says
 * is overdue (the "stale" marker), for the patients on screen (the board's page, or the one
 * record), not the whole ward. Undefined until loaded, and when the server cannot answer it: the
 * board then falls back to "no reading for 26 hours".
 */
export function useAdherenceSummaries(patientIds: readonly string[]): ReadonlyMap<string, PatientAdherenceSummary> | undefined {
  const { api } = useSession();
  const [tick, setTick] = useState(0);
  const patients = patientIds.join(',');
  const [summaries] = useResource(async () => {
    if (patients === '') return new Map<string, PatientAdherenceSummary>();
    const rows = await api.get(`/api/patients/adherence${query({ patients })}`, z.array(PatientAdherenceSummarySchema));
    return new Map(rows.map((r) => [r.patientId, r]));
  }, [api, tick, patients]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    const every = setInterval(() => setTick((n) => n + 1), REFRESH_EVERY_MS);
    return () => {
      clearInterval(every);
      clearTimeout(timer.current);
    };
  }, []);
  useLiveEvents(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      setTick((n) => n + 1);
    }, REFRESH_AFTER_EVENT_MS);
  });
  // Keep the last good answer while a refetch runs or fails.
  const last = useRef<ReadonlyMap<string, PatientAdherenceSummary> | undefined>(undefined);
  if (summaries.status === 'ok') last.current = summaries.data;
  return last.current;
}
