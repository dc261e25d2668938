import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import type { AlertEvent } from '@tm/contracts';
import { batchOf, connectGateway, oximetry, startTestPlatform } from '@tm/ingestion/src/testing';

/**
 * Publish -> `alert` event on a nurse's `/live` socket, over the whole embedded stack (gateway over
 * MQTT/TCP, broker, ingestion commit, evaluation, alert commit, socket.io over WebSocket).
 * `n` red SpO2 readings one after another for pt-001; each one updates the open alert, and the
 * event carrying the reading's measuredAt ends its clock.
 */
export async function measureAlertLatency(n = 100): Promise<{ medianMs: number; worstMs: number }> {
  const platform = await startTestPlatform();
  const gateway = await connectGateway(platform.mqttUrl, 'demo-gw-1');
  const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
  const { token } = (await login.json()) as { token: string };
  const socket = io(`${platform.httpUrl}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const waiting = new Map<string, () => void>();
    socket.on('alert', (e: AlertEvent) => {
      if (e.measuredAt) waiting.get(e.measuredAt)?.();
    });
    const samples: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const measuredAt = new Date(Date.now() + i).toISOString();
      const m = oximetry({ patientId: 'pt-001', measuredAt }, 80 + (i % 7));
      const arrived = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no alert event within 10 s for reading ${i + 1}`)), 10_000);
        waiting.set(measuredAt, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const start = performance.now();
      await gateway.client.publishAsync(`tm/v1/gateways/demo-gw-1/measurements`, batchOf('demo-gw-1', [m]), { qos: 1 });
      await arrived;
      samples.push(performance.now() - start);
      waiting.delete(measuredAt);
      await gateway.nextReceipt();
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const median = sorted.length % 2 === 1 ? (sorted[(sorted.length - 1) / 2] ?? 0) : ((sorted[sorted.length / 2 - 1] ?? 0) + (sorted[sorted.length / 2] ?? 0)) / 2;
    return { medianMs: Math.round(median * 10) / 10, worstMs: Math.round((sorted[sorted.length - 1] ?? 0) * 10) / 10 };
  } finally {
    socket.disconnect();
    await gateway.close();
    await platform.stop();
  }
}
