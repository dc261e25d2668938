/**
 * The load generator, in a process of its own so that it never shares an event loop with the
 * ingestion it measures: N demo gateways over MQTT/TCP with their secrets, each publishing a QoS 1
 * batch and waiting for its receipt before the next, as the real gateway's outbox does.
 * Started by hot-path.ts with one JSON argument; reports one JSON message over IPC when done.
 */
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { measurementsTopic, ReceiptSchema, receiptsTopic, type Measurement } from '@tm/contracts';

export interface LoadOptions {
  mqttUrl: string;
  /** demo-gw-1 .. demo-gw-N, each with its bound patient pt-00N */
  gateways: number;
  batchSize: number;
  durationMs: number;
  /** SpO2 of the load's readings: in range, so the only reds are the ones injected */
  spo2: number;
}

export interface LoadReport {
  receipted: number;
  batches: number;
  elapsedMs: number;
  latenciesMs: number[];
  failures: string[];
}

let sequence = 0;
function reading(patientId: string, spo2: number): Measurement {
  sequence += 1;
  return {
    id: `load-${process.pid}-${sequence}`,
    patientId,
    deviceId: 'nonin-3230-load',
    deviceModel: 'Nonin 3230',
    type: 'pulse_oximetry',
    measuredAt: new Date().toISOString(),
    timeSource: 'device',
    components: [
      { code: '59408-5', value: spo2, unit: '%' },
      { code: '8867-4', value: 72, unit: '/min' },
    ],
  };
}

async function runGateway(n: number, options: LoadOptions, deadline: number, report: LoadReport): Promise<void> {
  const gatewayId = `demo-gw-${n}`;
  const patientId = `pt-${String(n).padStart(3, '0')}`;
  const client = await mqtt.connectAsync(options.mqttUrl, { clientId: gatewayId, username: gatewayId, password: `${gatewayId}-secret`, clean: true, reconnectPeriod: 0 });
  const waiting = new Map<string, () => void>();
  client.on('message', (_topic, payload) => {
    const receipt = ReceiptSchema.parse(JSON.parse(payload.toString('utf8')));
    for (const id of receipt.ids) waiting.get(id)?.();
    if (receipt.rejected.length > 0) report.failures.push(`${gatewayId}: ${receipt.rejected.length} rejected (${receipt.rejected[0]?.reason ?? ''})`);
  });
  await client.subscribeAsync(receiptsTopic(gatewayId), { qos: 1 });
  try {
    while (performance.now() < deadline && report.failures.length === 0) {
      const measurements = Array.from({ length: options.batchSize }, () => reading(patientId, options.spo2));
      const last = measurements[measurements.length - 1]!.id;
      const receipted = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${gatewayId}: no receipt within 30 s`)), 30_000);
        waiting.set(last, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const sent = performance.now();
      await client.publishAsync(measurementsTopic(gatewayId), JSON.stringify({ schema: 'tm.measurements.v1', gatewayId, sentAt: new Date().toISOString(), measurements }), { qos: 1 });
      await receipted;
      waiting.delete(last);
      report.latenciesMs.push(performance.now() - sent);
      report.receipted += measurements.length;
      report.batches += 1;
    }
  } finally {
    await client.endAsync(true);
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const report: LoadReport = { receipted: 0, batches: 0, elapsedMs: 0, latenciesMs: [], failures: [] };
  const started = performance.now();
  const deadline = started + options.durationMs;
  const results = await Promise.allSettled(Array.from({ length: options.gateways }, (_, i) => runGateway(i + 1, options, deadline, report)));
  for (const r of results) if (r.status === 'rejected') report.failures.push((r.reason as Error).message);
  report.elapsedMs = performance.now() - started;
  return report;
}

if (require.main === module) {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  runLoad(options).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (error: Error) => {
      process.send?.({ receipted: 0, batches: 0, elapsedMs: 0, latenciesMs: [], failures: [error.message] } satisfies LoadReport, () => process.exit(1));
    },
  );
}
