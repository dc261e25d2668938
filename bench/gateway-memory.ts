import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform, TestPlatform } from '@tm/ingestion/src/testing';
import { percentile, round, sampleRss } from './proc';
import { BenchFailure, BenchFigure } from './result';

const ROOT = join(__dirname, '..');

export interface GatewayMemoryOptions {
  /** how long the gateway runs while its RSS is sampled */
  durationMs: number;
  /** each virtual device takes a reading this often */
  readingIntervalMs: number;
}

export const DEFAULT_GATEWAY_MEMORY: GatewayMemoryOptions = { durationMs: 20_000, readingIntervalMs: 2_000 };

/**
 * The gateway as its own process against the embedded platform (MQTT over TCP on loopback): its
 * VmRSS sampled every 250 ms, max and steady (median of the second half, after the 30-day
 * back-fill has gone through the outbox).
 */
export async function measureGatewayMemory(options: GatewayMemoryOptions = DEFAULT_GATEWAY_MEMORY): Promise<BenchFigure[]> {
  const platform = await startTestPlatform();
  try {
    const fourDevices = await runGateway(platform, 'pt-006', options, (dataDir) => [join(__dirname, 'gateway-home.ts'), platform.mqttUrl, dataDir, String(options.readingIntervalMs)], true);
    const cli = await runGateway(
      platform,
      'pt-001',
      options,
      (dataDir) => [join(ROOT, 'apps/gateway/bin/tm-gateway.js'), 'run', '--simulate', '--patients', '1', '--broker', platform.mqttUrl, '--data-dir', dataDir, '--interval', String(options.readingIntervalMs / 1000)],
      false,
    );
    return [
      {
        name: 'gateway RSS, 4 virtual devices (max)',
        figure: fourDevices.maxMiB,
        unit: 'MiB',
        notes: `one home (demo-gw-6, pt-006): oximeter, spirometer, scale, BP cuff, 30 days stored each; ${fourDevices.sessions} sessions, ${fourDevices.stored} readings stored in ${round(options.durationMs / 1000)} s`,
      },
      { name: 'gateway RSS, 4 virtual devices (steady)', figure: fourDevices.steadyMiB, unit: 'MiB', notes: `median of the second half of ${fourDevices.samples} samples` },
      {
        name: 'gateway RSS, CLI run --simulate --patients 1 (max)',
        figure: cli.maxMiB,
        unit: 'MiB',
        notes: `tm-gateway CLI, one TeleKOL home (oximeter + spirometer); steady ${cli.steadyMiB} MiB; ${cli.stored} readings stored`,
      },
    ];
  } finally {
    await platform.stop();
  }
}

interface GatewayRun {
  maxMiB: number;
  steadyMiB: number;
  samples: number;
  sessions: number | string;
  stored: number;
}

async function runGateway(platform: TestPlatform, patientId: string, options: GatewayMemoryOptions, args: (dataDir: string) => string[], reportsSessions: boolean): Promise<GatewayRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tm-bench-gw-'));
  const child = spawn(process.execPath, ['-r', '@swc-node/register', ...args(dataDir)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let sessions = 0;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      const match = /"sessions":(\d+)/.exec(line);
      if (match?.[1]) sessions = Number(match[1]);
    }
  });
  const pid = child.pid;
  if (pid === undefined) throw new BenchFailure('the gateway process did not start');
  const rss = sampleRss(() => [pid]);
  try {
    await Promise.race([
      new Promise((resolve) => setTimeout(resolve, options.durationMs)),
      new Promise((_, reject) => child.once('exit', (code) => reject(new BenchFailure(`the gateway exited early with code ${code}`)))),
    ]);
  } finally {
    rss.stop();
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const result = await platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM measurements WHERE patient_id = $1', [patientId]);
  const stored = Number(result.rows[0]?.n ?? 0);
  if (stored === 0) throw new BenchFailure(`the gateway for ${patientId} ran ${options.durationMs} ms and nothing of it was stored`);
  const samples = rss.samples;
  return {
    maxMiB: round(Math.max(...samples)),
    steadyMiB: round(percentile(samples.slice(Math.floor(samples.length / 2)), 50)),
    samples: samples.length,
    sessions: reportsSessions ? sessions : 'n/a',
    stored,
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}
