import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { dedupeMeasurements, serialPerPatient } from './operators';

describe('duplicate measurements', () => {
  it('lets each measurement id through once', async () => {
    const ids = await lastValueFrom(from(['m1', 'm2', 'm1', 'm3', 'm2']).pipe(dedupeMeasurements((id) => id), toArray()));
    expect(ids).toEqual(['m1', 'm2', 'm3']);
  });

  it('forgets the oldest ids beyond its capacity', async () => {
    const ids = await lastValueFrom(from(['m1', 'm2', 'm3', 'm1', 'm3']).pipe(dedupeMeasurements((id) => id, 2), toArray()));
    expect(ids).toEqual(['m1', 'm2', 'm3', 'm1']);
  });

  it('starts with an empty memory for each subscription', async () => {
    const once = from(['m1', 'm1']).pipe(dedupeMeasurements((id) => id));
    expect(await lastValueFrom(once.pipe(toArray()))).toEqual(['m1']);
    expect(await lastValueFrom(once.pipe(toArray()))).toEqual(['m1']);
  });
});

describe('serial evaluation per patient', () => {
  interface Item { patientId: string; id: string }
  it('runs one patient\'s readings one at a time in arrival order, other patients alongside', () => {
    const source = new Subject<Item>();
    const gates = new Map<string, Subject<string>>();
    const started: string[] = [];
    const done: string[] = [];
    source
      .pipe(
        serialPerPatient(
          (i: Item) => i.patientId,
          (i: Item) => {
            started.push(i.id);
            const gate = new Subject<string>();
            gates.set(i.id, gate);
            return gate;
          },
        ),
      )
      .subscribe((id) => done.push(id));

    source.next({ patientId: 'pt-001', id: 'a1' });
    source.next({ patientId: 'pt-001', id: 'a2' });
    source.next({ patientId: 'pt-002', id: 'b1' });
    expect(started).toEqual(['a1', 'b1']);

    gates.get('a1')!.next('a1');
    gates.get('a1')!.complete();
    expect(started).toEqual(['a1', 'b1', 'a2']);

    gates.get('a2')!.next('a2');
    gates.get('a2')!.complete();
    gates.get('b1')!.next('b1');
    gates.get('b1')!.complete();
    expect(done).toEqual(['a1', 'a2', 'b1']);
  });
});
