// The fault suite (`npm run test:faults`, ARCHITECTURE.md promise 1): apps/e2e/faults/*.fault.ts,
// one scenario at a time (they start databases, brokers and gateways and kill them), with a table
// of every scenario's sent / stored / lost / doubled at the end. Not part of `npm test`.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;

// where the scenarios write their counts for the reporter's table (inherited by the test process)
process.env.TM_FAULT_RESULTS ??= path.join(os.tmpdir(), `tm-fault-results-${process.pid}-${Date.now()}.jsonl`);

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps/e2e/faults'],
  testMatch: ['**/*.fault.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swc, swcrc: false }] },
  transformIgnorePatterns: ['/node_modules/(?!(aedes|lru-cache)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 180_000,
  maxWorkers: 1,
  // a scenario that timed out may still be waiting on a process it started (the scene has killed it)
  forceExit: true,
  reporters: ['default', '<rootDir>/apps/e2e/faults/fault-table-reporter.cjs'],
};
