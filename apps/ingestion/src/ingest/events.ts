import { Subject } from 'rxjs';
import type { Alert } from '@tm/contracts';
import type { LiveEvent } from '../live/live-events';

/** What a committed transaction changed that clients must hear about: its live events, and the alerts raised. */
export interface Committed {
  events: LiveEvent[];
  raised: Alert[];
}

/** What the ingestion path tells the rest of the service (live streams, metrics). */
export class IngestEvents {
  readonly committed$ = new Subject<Committed>();
}
