#!/usr/bin/env node
// `npm start`: the whole platform on embedded defaults with the demo organisation and the
// simulated homes. DEMO and SIMULATE default to 1 here only; anything set in the environment wins.
'use strict';
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
process.env.DEMO ??= '1';
process.env.SIMULATE ??= '1';

buildDashboardIfStale();
buildServicesIfStale();

// The compiled ingestion runs in this process (no second Node process, no compiler hook); its
// simulated homes start the compiled gateway CLI, which the build above has just made current.
process.chdir(root);
require(join(root, 'apps/ingestion/dist/main.js'));

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

/** Ingestion, gateway, libs and devices run as compiled JavaScript: `npm run build` when the sources are newer than dist/. */
function buildServicesIfStale() {
  const reason = require('./build.cjs').staleReason();
  if (reason === undefined) return;
  process.stdout.write(`Building the services (${reason}) ...\n`);
  // A child process, so the compiler is not loaded into the long-running platform process.
  const result = spawnSync(process.execPath, [join(__dirname, 'build.cjs')], { stdio: 'inherit', cwd: root });
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
