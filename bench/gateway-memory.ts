import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform, TestPlatform } from '@tm/ingestion/src/testing';
import { build, compileFile, staleReason } from '../scripts/build.cjs';
import { percentile, round, sampleRss } from './proc';
import { BenchFailure, BenchFigure } from './result';

const ROOT = join(__dirname, '..');
const GATEWAY_BIN = join(ROOT, 'apps/gateway/bin/tm-gateway.js');

export interface GatewayMemoryOptions {
  /** how long the gateway runs while its RSS is sampled */
  durationMs: number;
  /** each virtual device takes a reading this often */
  readingIntervalMs: number;
}

export const DEFAULT_GATEWAY_MEMORY: GatewayMemoryOptions = { durationMs: 30_000, readingIntervalMs: 2_000 };

/**
 * The gateway as its own process against the embedded platform (MQTT over TCP on loopback): its
 * VmRSS sampled every 250 ms, max and steady (median of the second half, after the 30-day
 * back-fill has gone through the outbox). It runs as production runs it: compiled JavaScript
 * (`npm run build`, done here when the build is stale), no compiler hook in the process, and the
 * Node flags of tm-gateway.js's `#!` line (the CLI is executed as `npx tm-gateway` executes it).
 */
export async function measureGatewayMemory(options: GatewayMemoryOptions = DEFAULT_GATEWAY_MEMORY): Promise<BenchFigure[]> {
  const home = compiledGatewayHome();
  const platform = await startTestPlatform();
  try {
    const fourDevices = await runGateway(platform, 'pt-006', options, (dataDir) => [process.execPath, ...gatewayNodeFlags(), home, platform.mqttUrl, dataDir, String(options.readingIntervalMs)], true);
    const cli = await runGateway(
      platform,
      'pt-001',
      options,
      (dataDir) => [GATEWAY_BIN, 'run', '--simulate', '--patients', '1', '--broker', platform.mqttUrl, '--data-dir', dataDir, '--interval', String(options.readingIntervalMs / 1000)],
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
        notes: `tm-gateway CLI, one TeleKOL home (oximeter + spirometer); ${cli.stored} readings stored in ${round(options.durationMs / 1000)} s`,
      },
      { name: 'gateway RSS, CLI run --simulate --patients 1 (steady)', figure: cli.steadyMiB, unit: 'MiB', notes: `median of the second half of ${cli.samples} samples` },
    ];
  } finally {
    await platform.stop();
  }
}

/** The Node flags tm-gateway.js is executed with (its `#!/usr/bin/env -S node ...` line). */
function gatewayNodeFlags(): string[] {
  const shebang = readFileSync(GATEWAY_BIN, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\/usr\/bin\/env -S node(.*)$/.exec(shebang);
  if (!match) throw new BenchFailure(`${GATEWAY_BIN}: expected a "#!/usr/bin/env -S node ..." line, found "${shebang}"`);
  return (match[1] ?? '').split(' ').filter(Boolean);
}

/** Brings the build up to date and compiles gateway-home.ts beside it (bench/dist/, imports into the packages' dist/). */
function compiledGatewayHome(): string {
  if (staleReason() !== undefined) build();
  const out = join(__dirname, 'dist', 'gateway-home.js');
  compileFile(join(__dirname, 'gateway-home.ts'), out);
  return out;
}

interface GatewayRun {
  maxMiB: number;
  steadyMiB: number;
  samples: number;
  sessions: number | string;
  stored: number;
}

/** `command(dataDir)` is the gateway's argv: an executable, then its arguments. */
async function runGateway(platform: TestPlatform, patientId: string, options: GatewayMemoryOptions, command: (dataDir: string) => string[], reportsSessions: boolean): Promise<GatewayRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tm-bench-gw-'));
  const [executable = '', ...args] = command(dataDir);
  const child = spawn(executable, args, {
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
  let compilerLoaded = false;
  try {
    await Promise.race([
      new Promise((resolve) => setTimeout(resolve, options.durationMs)),
      new Promise((_, reject) => child.once('exit', (code) => reject(new BenchFailure(`the gateway exited early with code ${code}`)))),
    ]);
    compilerLoaded = mapsCompiler(pid);
  } finally {
    rss.stop();
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
  // tm-gateway.js falls back to the TypeScript sources when a source changed after the build above.
  if (compilerLoaded) throw new BenchFailure('the gateway ran with the swc compiler loaded (sources changed after the build?), not the compiled JavaScript');
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

/** Whether a process has swc's native binding mapped, i.e. compiles TypeScript at run time. */
function mapsCompiler(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/maps`, 'utf8').includes('/@swc/');
  } catch {
    return false;
  }
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
