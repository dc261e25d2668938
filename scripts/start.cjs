#!/usr/bin/env node
// `npm start`: the whole platform on embedded defaults with the demo organisation and the
// simulated homes. DEMO and SIMULATE default to 1 here only; anything set in the environment wins.
'use strict';
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync, spawn } = require('node:child_process');

const root = join(__dirname, '..');
const env = { ...process.env, DEMO: process.env.DEMO ?? '1', SIMULATE: process.env.SIMULATE ?? '1' };

buildDashboardIfStale();

const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps/ingestion/src/main.ts')], { stdio: 'inherit', env, cwd: root });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** The dashboard is served from its production build; rebuild it when its sources are newer. */
function buildDashboardIfStale() {
  const dashboard = join(root, 'apps/dashboard');
  const built = join(dashboard, 'dist/index.html');
  if (!existsSync(join(dashboard, 'index.html'))) return;
  if (existsSync(built) && newest(join(dashboard, 'src')) <= statSync(built).mtimeMs) return;
  process.stdout.write('Building the dashboard ...\n');
  const result = spawnSync('npm', ['run', 'build', '-w', '@tm/dashboard', '--silent'], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}
