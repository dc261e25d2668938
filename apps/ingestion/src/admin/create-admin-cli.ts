import { loadConfig } from '../config';
import { Db } from '../db/db';
import { EmbeddedDatabase } from '../db/embedded';
import { migrate } from '../db/migrate';
import { createLogger } from '../logger';
import { DomainError } from '../shared/errors';
import { createFirstAdmin } from './first-admin';

// `node -r @swc-node/register apps/ingestion/src/admin/create-admin-cli.ts <username> [display name]`
// against DATABASE_URL, or the embedded database in DATA_DIR (stop the service first: the
// embedded database serves one process).
async function main(): Promise<void> {
  const [username, ...name] = process.argv.slice(2);
  if (!username) throw new DomainError('usage', 'usage: create-admin <username> [display name]');
  const config = loadConfig();
  // the command's output is the password line; the database's own start and stop notices would bury it
  const logger = createLogger('error');
  const embedded = config.DATABASE_URL ? undefined : new EmbeddedDatabase({ dataDir: config.dataDir, logger });
  const url = config.DATABASE_URL ?? (await embedded!.start());
  const db = new Db({ url, maxConnections: 1, logger });
  try {
    await migrate(db, logger);
    const { user, password } = await createFirstAdmin(db, username, name.join(' ') || username);
    process.stdout.write(`Administrator ${user.username} created. Password (shown this once, store it safely):\n${password}\n`);
  } finally {
    await db.close();
    await embedded?.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`create-admin: ${error.message}\n`);
  process.exit(1);
});
