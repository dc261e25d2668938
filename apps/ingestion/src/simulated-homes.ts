import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Logger } from './logger';

const GATEWAY_CLI = join(__dirname, '..', '..', 'gateway', 'bin', 'tm-gateway.js');

/**
 * SIMULATE=1: the demo's homes, one gateway per demo patient with virtual BLE devices, run as a
 * separate process that reaches the platform only through MQTT, exactly like a real home would.
 */
export function startSimulatedHomes(mqttUrl: string, dataDir: string, logger: Logger): { stop(): Promise<void> } {
  const child: ChildProcess = spawn(process.execPath, [GATEWAY_CLI, 'run', '--simulate', '--patients', '11', '--broker', mqttUrl, '--data-dir', join(dataDir, 'simulated-homes')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM') logger.warn({ event: 'simulated_homes_exit', code, signal }, 'simulated homes stopped');
  });
  logger.info({ event: 'simulated_homes_started', pid: child.pid }, 'simulated homes started');
  return {
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
