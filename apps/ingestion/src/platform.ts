import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { ConfigError, type Config } from './config';
import { Db } from './db/db';
import { EmbeddedDatabase } from './db/embedded';
import { migrate } from './db/migrate';
import { AppModule } from './app.module';
import { EmbeddedBroker, startEmbeddedBroker } from './broker/embedded-broker';
import { activeGatewayIds, GatewayCredentials } from './broker/gateway-credentials';
import { DynsecAdmin } from './broker/dynsec-admin';
import { gatewayHashKey } from './security/secrets';
import { DEMO_PATIENTS, demoGatewaySecret } from './demo/demo-data';
import { MqttConsumer } from './broker/mqtt-consumer';
import { seedDemo } from './demo/seed';
import { EventBus } from './event-bus';
import { ErrorFilter } from './http/errors';
import { applyHttpHardening } from './http/hardening';
import { limitMetrics } from './http/limit-metrics';
import { LimitStore } from './http/limit-store';
import { nestLogger } from './http/nest-logger';
import { createLogger, Logger } from './logger';
import { createMetrics, Metrics } from './metrics';
import { TriageService } from './triage/triage.service';

export interface PlatformOptions {
  logger?: Logger;
  /** keep the embedded database in memory (tests): fresh schema, nothing on disk */
  ephemeralDatabase?: boolean;
  /** backoff while the database is unreachable (tests use short ones) */
  retryDelayMs?: { min: number; max: number };
  /** ingestion's queue bound in payload bytes (64 MiB unless a test sets a small one) */
  ingestQueueMaxBytes?: number;
}

export interface Platform {
  config: Config;
  logger: Logger;
  db: Db;
  embeddedDb: EmbeddedDatabase | undefined;
  broker: EmbeddedBroker | undefined;
  /** the MQTT consumer of gateway batches */
  ingestor: MqttConsumer;
  /** committed batches, answers and alert changes, after their commit */
  bus: EventBus;
  metrics: Metrics;
  app: INestApplication;
  /** http://host:port of REST, socket.io and the dashboard */
  httpUrl: string;
  /** where gateways connect */
  mqttUrl: string;
  stop(): Promise<void>;
}

export const DASHBOARD_DIST = join(__dirname, '..', '..', 'dashboard', 'dist');

/**
 * Brings the platform up in dependency order: database, migrations, seed, broker, HTTP, then the
 * MQTT consumer last, so no batch is taken before everything it needs is ready.
 */
export async function startPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const started: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of started.reverse()) await stop().catch((error: Error) => logger.warn({ event: 'stop_failed', err: error.message }));
  };
  try {
    let embeddedDb: EmbeddedDatabase | undefined;
    let dbUrl = config.DATABASE_URL;
    if (!dbUrl) {
      embeddedDb = new EmbeddedDatabase({
        dataDir: options.ephemeralDatabase ? undefined : config.dataDir,
        logger,
        // an in-memory database comes back empty: give it its schema (and the demo) again
        onRestart: async () => {
          await migrate(db, logger);
          if (config.DEMO) await seedDemo(db, gatewayHashKey(config.jwtSecret));
        },
      });
      dbUrl = await embeddedDb.start();
      const server = embeddedDb;
      started.push(() => server.stop());
    }
    const db = embeddedDb
      ? new Db({ url: dbUrl, maxConnections: 1, logger })
      : new Db({ url: dbUrl, maxConnections: config.DATABASE_POOL_SIZE, idleTimeoutMs: config.DATABASE_IDLE_TIMEOUT_MS, logger });
    started.push(() => db.close());
    await migrate(db, logger);
    if (config.DEMO) await seedDemo(db, gatewayHashKey(config.jwtSecret));

    const bus = new EventBus();
    let broker: EmbeddedBroker | undefined;
    let gatewayAdmin: DynsecAdmin | undefined;
    let mqttUrl: string;
    let credentials: { username?: string; password?: string } = {};
    if (config.MQTT_URL) {
      mqttUrl = config.MQTT_URL;
      const url = new URL(config.MQTT_URL);
      credentials = { username: decodeURIComponent(url.username) || undefined, password: decodeURIComponent(url.password) || undefined };
      gatewayAdmin = await startGatewayAdmin(config, db, logger);
      if (gatewayAdmin) {
        const admin = gatewayAdmin;
        started.push(() => admin.stop());
      }
    } else {
      const holder: { broker?: EmbeddedBroker } = {};
      const gatewayCredentials = new GatewayCredentials(db, gatewayHashKey(config.jwtSecret), logger, (gatewayId) => holder.broker?.disconnectGateway(gatewayId));
      await gatewayCredentials.start();
      started.push(() => gatewayCredentials.stop());
      bus.onGatewayChanged((change) => gatewayCredentials.apply(change));
      const embedded = await startEmbeddedBroker({ port: config.MQTT_PORT, authenticateGateway: (id, secret) => gatewayCredentials.check(id, secret), logger, limits: { maxPacketBytes: config.MQTT_MAX_PACKET_BYTES, maxQueuedMessages: config.MQTT_MAX_QUEUED_MESSAGES, maxQueuedBytes: config.MQTT_MAX_QUEUED_BYTES, maxInflightMessages: config.MQTT_MAX_INFLIGHT_MESSAGES } });
      holder.broker = embedded;
      broker = embedded;
      started.push(() => embedded.stop());
      mqttUrl = `mqtt://127.0.0.1:${embedded.port}`;
      credentials = embedded.platformCredentials;
    }

    const metrics = createMetrics();
    // the MQTT consumer is made once the HTTP side (and with it the triage step it calls) is up
    const mqtt: { consumer?: MqttConsumer } = {};

    const app = await NestFactory.create(AppModule.register({ config, db, metrics, logger, bus, broker: { isUsable: () => mqtt.consumer?.connected ?? false, gatewayAdmin } }), {
      logger: nestLogger(logger),
      abortOnError: false,
      // the JSON parser is applyHttpHardening's: with the size limit and the text checks
      bodyParser: false,
    });
    app.useGlobalFilters(new ErrorFilter(logger));
    applyHttpHardening(app, { config, logger, limits: app.get(LimitStore), metrics: limitMetrics(metrics.registry) });
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('Home telemonitoring platform').setVersion('1').addBearerAuth().build());
    SwaggerModule.setup('api/docs', app, cleanupOpenApiDoc(document), { jsonDocumentUrl: 'api/docs/openapi.json' });
    serveDashboard(app);
    await app.listen(config.PORT, '0.0.0.0');
    started.push(() => app.close());
    const port = (app.getHttpServer().address() as AddressInfo).port;

    const consumer = new MqttConsumer({
      url: mqttUrl,
      clientId: `ingestion-${config.INSTANCE_ID}`,
      ...credentials,
      shared: Boolean(config.MQTT_URL),
      db,
      metrics,
      triage: app.get(TriageService),
      logger,
      retryDelayMs: options.retryDelayMs,
      queue: {
        maxMessages: config.INGEST_QUEUE_MAX_MESSAGES ?? (config.MQTT_URL ? 5_000 : 200),
        ...(options.ingestQueueMaxBytes !== undefined && { maxBytes: options.ingestQueueMaxBytes }),
        groupBatches: config.INGEST_GROUP_MAX_BATCHES,
        groupMeasurements: config.INGEST_GROUP_MAX_READINGS,
        // one connection is left for the HTTP side; the embedded database has only one
        workers: config.DATABASE_URL ? Math.max(1, Math.min(config.INGEST_WORKERS, config.DATABASE_POOL_SIZE - 1)) : 1,
      },
    });
    mqtt.consumer = consumer;
    await consumer.start();
    started.push(() => consumer.stop());

    return {
      config,
      logger,
      db,
      embeddedDb,
      broker,
      ingestor: consumer,
      bus,
      metrics,
      app,
      httpUrl: `http://127.0.0.1:${port}`,
      mqttUrl,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * With MQTT_URL and MQTT_ADMIN_PASSWORD: the platform's `platform-admin` connection to the external
 * broker's dynamic security plugin (same host, port and TLS as MQTT_URL), reconciled with the
 * database at start: clients of revoked or unknown gateways deleted, the demo's gateways enrolled
 * with DEMO=1. Without the password enrol / rotate / revoke could not reach the broker: refused in
 * production, a warning otherwise (a development broker without dynamic security).
 */
async function startGatewayAdmin(config: Config, db: Db, logger: Logger): Promise<DynsecAdmin | undefined> {
  if (!config.MQTT_URL) return undefined;
  if (!config.MQTT_ADMIN_PASSWORD) {
    if (process.env.NODE_ENV === 'production') throw new ConfigError('MQTT_ADMIN_PASSWORD is unset: with MQTT_URL the platform enrols, rotates and revokes gateways on the broker as platform-admin; set it to that account\'s password');
    logger.warn({ event: 'gateway_admin_disabled' }, 'MQTT_ADMIN_PASSWORD unset: gateways enrolled, rotated or revoked here are not changed on the external broker');
    return undefined;
  }
  const admin = new DynsecAdmin({ url: config.MQTT_URL, password: config.MQTT_ADMIN_PASSWORD, clientId: `platform-admin-${config.INSTANCE_ID}`, logger });
  await admin.start();
  try {
    const active = await activeGatewayIds(db);
    const demo = config.DEMO ? DEMO_PATIENTS.filter((p) => active.has(p.gatewayId)).map((p) => ({ gatewayId: p.gatewayId, secret: demoGatewaySecret(p.gatewayId) })) : [];
    await admin.reconcile(active, demo);
  } catch (error) {
    await admin.stop();
    throw error;
  }
  return admin;
}

/**
 * The built dashboard at `/`; any other non-API path gets index.html so client-side routes survive a
 * reload. Vite's assets carry a content hash in their names, so they are cached for good; index.html
 * is asked for again each time, so a new build is picked up at once. Compressed by applyHttpHardening.
 */
function serveDashboard(app: INestApplication): void {
  if (!existsSync(join(DASHBOARD_DIST, 'index.html'))) return;
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.use(
    express.static(DASHBOARD_DIST, {
      index: 'index.html',
      setHeaders: (res, path) => res.setHeader('Cache-Control', path.includes(`${join(DASHBOARD_DIST, 'assets')}/`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    }),
  );
  http.get(/^\/(?!api\/|api$|fhir\/|metrics$|socket\.io\/).*/, (_req, res) => res.sendFile(join(DASHBOARD_DIST, 'index.html')));
}
