import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metric names are fixed by ARCHITECTURE.md §6: outside checks read them. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    received: new Counter({ name: 'tm_measurements_received_total', help: 'Measurements received from gateways, valid or not', registers: [registry] }),
    stored: new Counter({ name: 'tm_measurements_stored_total', help: 'Measurements stored for the first time', registers: [registry] }),
    evaluated: new Counter({ name: 'tm_measurements_evaluated_total', help: 'Stored measurements checked against their patient\'s rules (in the transaction that stored them)', registers: [registry] }),
    batchesInHand: new Gauge({
      name: 'tm_ingest_batches_in_hand',
      help: 'Measurement batches taken from the broker (acknowledged to it) and not yet stored or refused: queued, or in a transaction. It grows while the database is slow or away.',
      registers: [registry],
    }),
    duplicate: new Counter({ name: 'tm_measurements_duplicate_total', help: 'Measurements received again and already stored', registers: [registry] }),
    rejected: new Counter({ name: 'tm_measurements_rejected_total', help: 'Measurements or payloads rejected, by reason', labelNames: ['reason'] as const, registers: [registry] }),
    alertsRaised: new Counter({ name: 'tm_alerts_raised_total', help: 'Alerts raised, by severity', labelNames: ['severity'] as const, registers: [registry] }),
    batchSeconds: new Histogram({
      name: 'tm_ingest_batch_seconds',
      help: 'Time from receiving a batch to its commit',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
