import { concatMap, defer, filter, groupBy, mergeMap, type ObservableInput, type OperatorFunction } from 'rxjs';

/**
 * Work on each patient's items one at a time and in arrival order, while different patients
 * proceed in parallel: two readings of one patient never race for the same open alert.
 * A patient's group lives as long as the source; closing idle groups could let a new group run
 * beside unfinished work of the old one, which is the race this exists to prevent.
 */
export function serialPerPatient<T, R>(patientOf: (item: T) => string, work: (item: T) => ObservableInput<R>): OperatorFunction<T, R> {
  return (source) =>
    source.pipe(
      groupBy(patientOf),
      mergeMap((patient) => patient.pipe(concatMap(work))),
    );
}

/**
 * Let each measurement id through once. Redelivered MQTT messages and gateway re-sends carry the
 * same id; the database's idempotent insert is the durable guard, this stops a duplicate that is
 * still in flight from being evaluated twice. Remembers the last `capacity` ids.
 */
export function dedupeMeasurements<T>(idOf: (item: T) => string, capacity = 100_000): OperatorFunction<T, T> {
  return (source) =>
    defer(() => {
      // A Set iterates in insertion order, so its first entry is the oldest id.
      const seen = new Set<string>();
      return source.pipe(
        filter((item) => {
          const id = idOf(item);
          if (seen.has(id)) return false;
          seen.add(id);
          if (seen.size > capacity) seen.delete(seen.values().next().value as string);
          return true;
        }),
      );
    });
}
