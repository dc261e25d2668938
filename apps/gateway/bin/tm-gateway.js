#!/usr/bin/env -S node --optimize-for-size --no-opt --no-sparkplug --max-semi-space-size=1
'use strict';
// Runs the compiled CLI (dist/, made by `npm run build`, which `npm start` runs when needed) when
// the build is current. Otherwise, e.g. right after `npm ci` or while editing sources, it runs the
// TypeScript through the swc register hook: the same CLI, with ~75 MiB more memory.
//
// The Node flags above trade speed the gateway does not need (it handles a few readings a minute)
// for memory on a small home box: V8 sized for memory, bytecode only (no optimising or baseline
// compiler), a 1 MiB young generation. With four virtual devices (bench/gateway-memory.ts) the
// steady RSS is ~75 MiB with them and 83-110 MiB without. They apply when this file is executed
// (`npx tm-gateway`, `./tm-gateway.js`, a service unit); `node tm-gateway.js` runs without them,
// so a launcher that names node passes them itself.
const { staleReason } = require('../../../scripts/build.cjs');

const stale = staleReason('apps/gateway');
if (stale === undefined) {
  require('../dist/cli/main.js').cli();
} else {
  // Only a person at a terminal is told; scripts and tests that read stderr see the CLI's own output.
  if (process.stderr.isTTY) process.stderr.write(`tm-gateway: running the TypeScript sources (${stale}); \`npm run build\` for the compiled CLI\n`);
  require('@swc-node/register');
  require('../src/cli/main.ts').cli();
}
