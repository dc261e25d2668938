import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Namespace, Server, Socket } from 'socket.io';
import { LIVE_NAMESPACE, LiveHandshakeSchema } from '@tm/contracts';
import { AccessService } from '../access/access.service';
import { AuthService, type AuthenticatedUser } from '../auth/auth.service';
import type { Config } from '../config';
import type { Db } from '../db/db';
import type { EventBus } from '../event-bus';
import { CONFIG, DB, EVENT_BUS, LOGGER } from '../shared/tokens';
import type { Logger } from '../logger';
import { eventsAfter, type LiveEvent } from './live-events';

/** A short gap (a flaky Wi-Fi) is bridged by socket.io itself; a longer one by the replay from live_events. */
export const RECOVERY_WINDOW_MS = 2 * 60 * 1000;

export const patientRoom = (patientId: string): string => `patient:${patientId}`;

interface LiveSocketData {
  user: AuthenticatedUser;
  lastEventId?: string;
}

/**
 * socket.io namespace `/live` on the HTTP server: authenticated by the REST bearer token, each
 * client in one room per patient it may see. With REDIS_URL, a Redis-streams adapter carries
 * every event to the clients of every instance (and keeps packets for connection recovery).
 * It takes what each commit changed from the event bus itself (`committed`).
 */
@Injectable()
export class LiveService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private io: Server | undefined;
  private redis: ReturnType<typeof createClient> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly auth: AuthService,
    private readonly access: AccessService,
    @Inject(DB) private readonly db: Db,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.onCommitted(({ events }) => this.publish(events));
  }

  async onApplicationBootstrap(): Promise<void> {
    const io = new Server(this.adapterHost.httpAdapter.getHttpServer(), {
      // a recovered session is authenticated again: an expired token or a disabled user gets nothing
      connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
    });
    this.io = io;
    if (this.config.REDIS_URL) {
      const redis = createClient({ url: this.config.REDIS_URL });
      redis.on('error', (error: Error) => this.logger.warn({ event: 'redis_error', err: error.message }, 'redis connection problem'));
      await redis.connect();
      this.redis = redis;
      io.adapter(createAdapter(redis));
    }
    const live = io.of(LIVE_NAMESPACE);
    live.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: Error) => next(error),
      );
    });
    live.on('connection', (socket) => {
      this.onConnection(socket).catch((error: Error) => {
        this.logger.error({ event: 'live_connection_failed', err: error.message }, 'could not set up a live client');
        socket.disconnect(true);
      });
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    const io = this.io;
    this.io = undefined;
    // Also closes each namespace's adapter, which stops the Redis stream polling.
    if (io) await io.close().catch(() => undefined);
    this.redis?.destroy();
  }

  /** Sends committed events to the clients of each event's patient (on every instance, with Redis). */
  private publish(events: readonly LiveEvent[]): void {
    const live = this.io?.of(LIVE_NAMESPACE);
    if (!live) return;
    for (const e of events) live.to(patientRoom(e.patientId)).emit(e.kind, e.payload);
  }

  get namespace(): Namespace | undefined {
    return this.io?.of(LIVE_NAMESPACE);
  }

  private async authenticate(socket: Socket): Promise<void> {
    const handshake = LiveHandshakeSchema.safeParse(socket.handshake.auth);
    if (!handshake.success) throw new Error('unauthenticated: send auth { token, lastEventId? } with the token from POST /api/auth/login');
    const user = await this.auth.authenticate(handshake.data.token);
    if (!user) throw new Error('unauthenticated: the token is invalid or expired; sign in again');
    // the live stream carries the nurses' alerts and notes: clinicians only
    if (user.role === 'patient') throw new Error('forbidden: the live stream is for clinicians');
    const data: LiveSocketData = { user, lastEventId: handshake.data.lastEventId };
    socket.data = data;
  }

  private async onConnection(socket: Socket): Promise<void> {
    // A recovered connection has its rooms back and its missed packets already delivered.
    if (socket.recovered) return;
    const data = socket.data as LiveSocketData;
    const patients = await this.access.visiblePatientIds(data.user);
    // Join before reading the replay, so nothing committed in between is lost (at worst it comes twice).
    await socket.join(patients.map(patientRoom));
    if (!data.lastEventId) return;
    for (const e of await eventsAfter(this.db, data.lastEventId, patients)) socket.emit(e.kind, e.payload);
  }
}
