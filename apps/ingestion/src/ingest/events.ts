import { Subject } from 'rxjs';
import type { Measurement } from '@tm/contracts';

/** Measurements committed for the first time, in the order their batches committed. */
export interface StoredBatch {
  gatewayId: string;
  receivedAt: Date;
  measurements: Measurement[];
}

/** What the ingestion path tells the rest of the service (alerting, live streams). */
export class IngestEvents {
  readonly stored$ = new Subject<StoredBatch>();
}
