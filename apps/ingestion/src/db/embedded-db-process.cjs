// Child process hosting the embedded TimescaleDB (PGlite + timescaledb, WASM) behind the
// Postgres wire protocol. It runs in its own process so that queries never stall the
// service's event loop, and so a database outage can be simulated by stopping it.
// Plain CommonJS on purpose: it is forked directly by node, without a TypeScript loader.
'use strict';
const { createServer } = require('node:net');
const { PGlite } = require('@electric-sql/pglite');
const { timescaledb } = require('@electric-sql/pglite/timescaledb');

const dataDir = process.env.TM_EMBEDDED_DB_DIR || undefined; // unset: in memory (tests)
const port = Number(process.env.TM_EMBEDDED_DB_PORT || 0);

// Codes of the untyped messages a client may send before the startup message (protocol §55.2).
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'

/**
 * Cuts a client's byte stream into whole protocol messages. TCP delivers a large message (a
 * 500-measurement batch, a 64 KB rejected payload) in several chunks, and PGlite must only ever
 * see whole messages: a partial one crashes it (electric-sql/pglite#775, fixed upstream in #873).
 */
class MessageFramer {
  constructor() {
    this.chunks = [];
    this.buffered = 0;
    this.startup = true;
  }

  push(chunk) {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next whole message, or null until more bytes arrive: { startup, code?, type?, bytes } */
  next() {
    const header = this.startup ? 4 : 5;
    if (this.buffered < header) return null;
    const head = this.peek(header);
    const length = this.startup ? head.readInt32BE(0) : head.readInt32BE(1) + 1;
    if (length < header - (this.startup ? 0 : 1) || length > 1024 ** 3) throw new Error(`malformed message length ${length}`);
    if (this.buffered < length) return null;
    const bytes = this.take(length);
    if (this.startup) {
      const code = bytes.length >= 8 ? bytes.readInt32BE(4) : 0;
      if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.startup = false;
      return { startup: true, code, bytes };
    }
    return { startup: false, type: bytes[0], bytes };
  }

  peek(n) {
    const first = this.chunks[0];
    return first.length >= n ? first.subarray(0, n) : Buffer.concat(this.chunks).subarray(0, n);
  }

  take(n) {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return all.subarray(0, n);
  }
}

/**
 * One wire connection at a time on the one PGlite session (PGlite is a single backend: every
 * socket shares its transaction state), others wait their turn. Messages are executed strictly
 * in order, each batch of whole messages awaited before the next.
 */
function serve(db) {
  let active = null;
  const waiting = [];
  const sockets = new Set();
  let work = Promise.resolve();
  const run = (task) => (work = work.then(task, task));

  const release = (socket) => {
    if (active !== socket) return;
    active = null;
    // A client gone mid-transaction must not leave its transaction open for the next one.
    run(() => db.execProtocolRaw(Buffer.concat([syncMessage(), queryMessage('ROLLBACK')])).catch(() => undefined)).then(() => {
      const next = waiting.shift();
      if (next) attach(next);
    });
  };

  const attach = (socket) => {
    if (socket.destroyed) {
      const next = waiting.shift();
      if (next) attach(next);
      return;
    }
    active = socket;
    const framer = new MessageFramer();
    socket.on('data', (chunk) => {
      framer.push(chunk);
      run(async () => {
        try {
          await drain(framer, socket, db);
        } catch (error) {
          process.stderr.write(`embedded database: closing a connection: ${error.message}\n`);
          socket.destroy();
        }
      });
    });
    socket.resume();
  };

  const server = createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      const i = waiting.indexOf(socket);
      if (i >= 0) waiting.splice(i, 1);
      release(socket);
    });
    if (active) waiting.push(socket);
    else attach(socket);
  });
  /** Stops taking connections, drops the open ones, and waits for the statement in hand. */
  const close = async () => {
    server.close();
    for (const socket of sockets) socket.destroy();
    await work;
  };
  return { server, close };
}

async function drain(framer, socket, db) {
  const batch = [];
  for (let message = framer.next(); message; message = framer.next()) {
    if (message.startup && (message.code === SSL_REQUEST || message.code === GSSENC_REQUEST)) {
      await flush(batch, socket, db);
      socket.write('N'); // no TLS on the loopback
      continue;
    }
    if (message.startup && message.code === CANCEL_REQUEST) {
      socket.destroy();
      return;
    }
    if (!message.startup && message.type === TERMINATE) {
      await flush(batch, socket, db);
      socket.end();
      return;
    }
    batch.push(message.bytes);
  }
  await flush(batch, socket, db);
}

async function flush(batch, socket, db) {
  if (batch.length === 0) return;
  const input = batch.length === 1 ? batch[0] : Buffer.concat(batch);
  batch.length = 0;
  const output = await db.execProtocolRaw(new Uint8Array(input.buffer, input.byteOffset, input.length));
  if (output.length > 0 && socket.writable) socket.write(Buffer.from(output.buffer, output.byteOffset, output.length));
}

function syncMessage() {
  const m = Buffer.alloc(5);
  m.write('S', 0);
  m.writeInt32BE(4, 1);
  return m;
}

function queryMessage(sql) {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const m = Buffer.alloc(5 + text.length);
  m.write('Q', 0);
  m.writeInt32BE(4 + text.length, 1);
  text.copy(m, 5);
  return m;
}

async function main() {
  const db = await PGlite.create({ dataDir, extensions: { timescaledb } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  // On a database reopened from disk, CREATE EXTENSION is a no-op and PGlite has no
  // shared_preload_libraries: without an explicit LOAD, TimescaleDB's hooks are missing and
  // inserts into a hypertable fail ("invalid INSERT on the root table of hypertable").
  await db.exec("LOAD 'timescaledb'");
  const { server, close } = serve(db);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await close();
      await db.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop); // the parent died: do not linger holding the data directory
  process.send({ ready: true, port: server.address().port });
}

main().catch((error) => {
  process.send?.({ ready: false, error: String((error && error.stack) || error) });
  process.exit(1);
});
