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
const PATIENT_ROOM_PREFIX = patientRoom('');

/** How often each instance checks its sockets' rights again: a revoked token, a disabled user or a patient leaving the care teams stops the events within ARCHITECTURE §11's 5 s. */
export const RIGHTS_INTERVAL_MS = 2_000;

interface LiveSocketData {
  user: AuthenticatedUser;
  /** kept to check the rights again while the socket lives (RIGHTS_INTERVAL_MS) */
  token: string;
  lastEventId?: string;
}

/**
 * socket.io namespace `/live` on the HTTP server: authenticated by the REST bearer token, each
 * client in one room per patient it may see. With REDIS_URL, a Redis-streams adapter carries
 * every event to the clients of every instance (and keeps packets for connection recovery);
 * while Redis is away each instance still sends what it committed to its own clients.
 * It takes what each commit changed from the event bus itself (`committed`). Every
 * RIGHTS_INTERVAL_MS the rights of the connected sockets are checked again (rightsCheck).
 */
@Injectable()
export class LiveService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private io: Server | undefined;
  private redis: ReturnType<typeof createClient> | undefined;
  private unsubscribe: (() => void) | undefined;
  private rightsTimer: NodeJS.Timeout | undefined;
  private checkingRights = false;
  private redisWasDown = false;

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
    this.rightsTimer = setInterval(() => void this.checkRights(), RIGHTS_INTERVAL_MS);
    this.rightsTimer.unref();
  }

  /** With REDIS_URL: whether Redis answers now (shown by /api/health); undefined without it. */
  redisState(): 'up' | 'down' | undefined {
    if (!this.config.REDIS_URL) return undefined;
    return this.redis?.isReady ? 'up' : 'down';
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    clearInterval(this.rightsTimer);
    const io = this.io;
    this.io = undefined;
    // Also closes each namespace's adapter, which stops the Redis stream polling.
    if (io) await io.close().catch(() => undefined);
    this.redis?.destroy();
  }

  /**
   * Sends committed events to the clients of each event's patient (on every instance, with Redis).
   * While Redis is away the adapter cannot publish, and it would then drop the event for this
   * instance's own clients too: so they are sent locally (`local`) until Redis is back.
   */
  private publish(events: readonly LiveEvent[]): void {
    const live = this.io?.of(LIVE_NAMESPACE);
    if (!live) return;
    const redisDown = this.redis !== undefined && !this.redis.isReady;
    if (redisDown !== this.redisWasDown) {
      this.redisWasDown = redisDown;
      if (redisDown) this.logger.error({ event: 'live_local_only' }, 'Redis is unreachable: live events reach only the clients of the instance that committed them');
      else this.logger.info({ event: 'live_shared_again' }, 'Redis is back: live events reach every instance again');
    }
    const target = redisDown ? live.local : live;
    for (const e of events) target.to(patientRoom(e.patientId)).emit(e.kind, e.payload);
  }

  /**
   * Checks the rights of this instance's sockets again: one authentication per distinct token
   * (a revoked or expired token, a disabled user: the socket is closed) and one care-team lookup
   * per distinct set of teams, then each socket joins and leaves patient rooms to match. A round
   * still running when the next is due is not doubled.
   */
  async checkRights(): Promise<void> {
    const live = this.io?.of(LIVE_NAMESPACE);
    if (!live || this.checkingRights) return;
    this.checkingRights = true;
    try {
      const byToken = new Map<string, Socket[]>();
      for (const socket of live.sockets.values()) {
        const data = socket.data as Partial<LiveSocketData>;
        if (!data.token) continue;
        byToken.set(data.token, [...(byToken.get(data.token) ?? []), socket]);
      }
      const visible = new Map<string, Promise<Set<string>>>();
      for (const [token, sockets] of byToken) {
        const user = await this.auth.authenticate(token);
        if (!user || user.role === 'patient') {
          for (const socket of sockets) {
            this.logger.info({ event: 'live_rights_ended', userId: (socket.data as LiveSocketData).user.id }, 'live socket closed: its token or user is no longer valid');
            socket.disconnect(true);
          }
          continue;
        }
        const key = user.role === 'admin' ? 'admin' : user.careTeams.join(',');
        if (!visible.has(key)) visible.set(key, this.access.visiblePatientIds(user).then((ids) => new Set(ids.map(patientRoom))));
        const rooms = await visible.get(key)!;
        for (const socket of sockets) {
          (socket.data as LiveSocketData).user = user;
          for (const room of socket.rooms) if (room.startsWith(PATIENT_ROOM_PREFIX) && !rooms.has(room)) void socket.leave(room);
          const missing = [...rooms].filter((room) => !socket.rooms.has(room));
          if (missing.length > 0) void socket.join(missing);
        }
      }
    } catch (error) {
      this.logger.warn({ event: 'live_rights_check_failed', err: (error as Error).message }, 'could not check live sockets\' rights; trying again shortly');
    } finally {
      this.checkingRights = false;
    }
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
    const data: LiveSocketData = { user, token: handshake.data.token, lastEventId: handshake.data.lastEventId };
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
