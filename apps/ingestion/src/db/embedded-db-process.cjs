// Child process hosting the embedded TimescaleDB (PGlite + timescaledb, WASM) behind the
// Postgres wire protocol. It runs in its own process so that queries never stall the
// service's event loop, and so a database outage can be simulated by stopping it.
// Plain CommonJS on purpose: it is forked directly by node, without a TypeScript loader.
'use strict';
const { PGlite } = require('@electric-sql/pglite');
const { timescaledb } = require('@electric-sql/pglite/timescaledb');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

const dataDir = process.env.TM_EMBEDDED_DB_DIR || undefined; // unset: in memory (tests)
const port = Number(process.env.TM_EMBEDDED_DB_PORT || 0);

async function main() {
  const db = await PGlite.create({ dataDir, extensions: { timescaledb } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  // On a database reopened from disk, CREATE EXTENSION is a no-op and PGlite has no
  // shared_preload_libraries: without an explicit LOAD, TimescaleDB's hooks are missing and
  // inserts into a hypertable fail ("invalid INSERT on the root table of hypertable").
  await db.exec("LOAD 'timescaledb'");
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' });
  await server.start();
  const address = server.server && server.server.address();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await server.stop();
      await db.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop); // the parent died: do not linger holding the data directory
  process.send({ ready: true, port: address.port });
}

main().catch((error) => {
  process.send?.({ ready: false, error: String(error && error.stack || error) });
  process.exit(1);
});
