import { ConfigError, loadConfig } from './config';
import { BrokerPortInUseError } from './broker/embedded-broker';
import { EmbeddedDatabaseError } from './db/embedded';
import { MigrationError } from './db/migrate';
import { createLogger } from './logger';
import { startPlatform } from './platform';
import { DEMO_LOGINS } from './demo/seed';
import { startSimulatedAnswers, startSimulatedHomes } from './demo/simulated-homes';

/** Past this, a shutdown that is still waiting (say, on a database that stopped answering) is cut short. */
const SHUTDOWN_DEADLINE_MS = 9_000;

/** Errors a person fixes by changing the environment: one line saying what to set, no stack trace. */
const SETUP_ERRORS = [ConfigError, BrokerPortInUseError, EmbeddedDatabaseError, MigrationError];

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const platform = await startPlatform(config, { logger });
  const homes = config.SIMULATE ? startSimulatedHomes(platform.mqttUrl, config.dataDir, logger) : undefined;
  // the homes' questionnaire answers come over REST (care plans' diary days), not through the gateways
  const answers = config.SIMULATE && config.DEMO ? startSimulatedAnswers(platform, logger) : undefined;

  const publicUrl = `http://localhost:${new URL(platform.httpUrl).port}`;
  const lines = [`Telemonitoring platform is up: ${publicUrl}  (API docs ${publicUrl}/api/docs, MQTT ${platform.mqttUrl})`];
  if (config.DEMO) lines.push(`Demo logins (password = user name): ${DEMO_LOGINS.join(', ')}`);
  process.stdout.write(`\n${lines.join('\n')}\n\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal }, 'shutting down: finishing the batch in hand');
    // A batch not yet committed is not acknowledged to the broker, so cutting it short loses nothing.
    setTimeout(() => {
      logger.error({ event: 'shutdown_forced', afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting; unacknowledged batches stay with the broker');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    const work = async () => {
      await homes?.stop();
      await answers?.stop();
      await platform.stop();
    };
    work().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error({ event: 'shutdown_failed', err: error.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: Error) => {
  if (SETUP_ERRORS.some((type) => error instanceof type)) process.stderr.write(`tm-ingestion: ${error.message}\n`);
  else process.stderr.write(`tm-ingestion: failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
