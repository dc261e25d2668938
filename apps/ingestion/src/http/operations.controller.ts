import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Health } from '@tm/contracts';
import type { Config } from '../config';
import type { Db } from '../db/db';
import type { Metrics } from '../metrics';
import { LiveService } from '../live/live.service';
import { TriageService } from '../triage/triage.service';
import { DomainError } from '../shared/errors';
import { BROKER_STATE, CONFIG, DB, METRICS } from '../shared/tokens';
import type { BrokerState } from '../shared/tokens';

export class OperationsError extends DomainError {}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

@Controller()
export class OperationsController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(BROKER_STATE) private readonly broker: BrokerState,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: Config,
    private readonly live: LiveService,
    private readonly triage: TriageService,
  ) {}

  /**
   * 200 only when everything alerts depend on is usable — the database, the broker and, with
   * REDIS_URL, Redis (without it alerts reach only this instance's clients) and, with
   * ESCALATION_WEBHOOK_URL, the escalation route as `escalationWebhook` (down: escalated reds are
   * not reaching the on-call team): what a load balancer or an on-call operator checks. With an
   * external broker administered by the platform, its `platform-admin` link is shown as `brokerAdmin`.
   */
  @Get('api/health')
  async health(@Res() res: Response): Promise<void> {
    const db = (await this.db.isUsable()) ? 'up' : 'down';
    const broker = this.broker.isUsable() ? 'up' : 'down';
    const redis = this.live.redisState();
    const escalationWebhook = this.triage.escalationRoute.status()?.state;
    const ok = db === 'up' && broker === 'up' && redis !== 'down' && escalationWebhook !== 'down';
    // shown, not counted in `status`: alerts do not depend on it (its routes answer 503 while it is down)
    const admin = this.broker.gatewayAdmin;
    const brokerAdmin = admin === undefined ? undefined : admin.connected ? 'up' : 'down';
    const body: Health = { status: ok ? 'ok' : 'degraded', db, broker, ...(redis ? { redis } : {}), ...(escalationWebhook ? { escalationWebhook } : {}), ...(brokerAdmin ? { brokerAdmin } : {}) };
    res.status(body.status === 'ok' ? 200 : 503).json(body);
  }

  /** Prometheus text: counters and histograms only, no patient or user data. With METRICS_TOKEN set, only for that bearer token. */
  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async prometheus(@Req() req: Request, @Res() res: Response): Promise<void> {
    const expected = this.config.METRICS_TOKEN;
    if (expected) {
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
      // compared as digests: equal length, constant time
      if (!timingSafeEqual(digest(given), digest(expected))) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new OperationsError('unauthenticated', 'Metrics need "Authorization: Bearer <METRICS_TOKEN>" (the token the operator configured)', HttpStatus.UNAUTHORIZED);
      }
    }
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
