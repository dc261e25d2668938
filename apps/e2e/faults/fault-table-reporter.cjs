// Jest reporter of the fault suite: after the run, one table of every scenario's counts
// (written by apps/e2e/faults/harness.ts to TM_FAULT_RESULTS, one JSON object a line).
'use strict';
const fs = require('node:fs');

const ORDER = [
  'broker restart, embedded broker',
  'broker restart, Mosquitto SIGTERM',
  'broker restart, Mosquitto SIGKILL',
  'ingestion SIGKILL mid-batch',
  'database process SIGKILL',
  'database unreachable 60 s',
  'gateway offline 72 h, reconnect',
  'receipts lost',
  'same batch delivered twice',
  'gateway SIGKILL writing outbox',
  'gateway disk full',
  'device clock at 2000-01-01',
];

class FaultTableReporter {
  constructor(globalConfig) {
    this.started = Date.now();
    this.file = process.env.TM_FAULT_RESULTS;
  }

  onRunComplete() {
    if (!this.file || !fs.existsSync(this.file)) return;
    const rows = fs
      .readFileSync(this.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    fs.rmSync(this.file, { force: true });
    const rank = (r) => (ORDER.indexOf(r.scenario) + 1 || ORDER.length + 1);
    rows.sort((a, b) => rank(a) - rank(b));
    const header = ['scenario', 'sent', 'stored', 'lost', 'doubled', 'result', 's'];
    const cells = rows.map((r) => [r.scenario, String(r.sent ?? '-'), String(r.stored ?? '-'), String(r.lost ?? '-'), String(r.doubled ?? '-'), r.pass ? 'pass' : 'FAIL', String(r.seconds ?? '-')]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c) => c.map((v, i) => (i === 0 || i === 5 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
    const out = ['', 'Fault suite: every measurement sent against what the database holds', line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
    for (const r of rows) if (r.failures && r.failures.length) out.push(`  ${r.scenario}: ${r.failures.join('; ')}`);
    const missing = ORDER.filter((s) => !rows.some((r) => r.scenario === s));
    if (missing.length) out.push(`not in this run: ${missing.join(', ')}`);
    out.push(`${rows.filter((r) => r.pass).length}/${rows.length} scenarios passed in ${Math.round((Date.now() - this.started) / 1000)} s`, '');
    process.stdout.write(`${out.join('\n')}\n`);
  }
}

module.exports = FaultTableReporter;
