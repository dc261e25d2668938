import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Health } from '@tm/contracts';
import type { Db } from '../db/db';
import type { Metrics } from '../metrics';
import { BROKER_STATE, DB, METRICS } from './tokens';
import type { BrokerState } from './tokens';

@Controller()
export class OperationsController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(BROKER_STATE) private readonly broker: BrokerState,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  /** 200 only when both the database and the broker are usable: what a load balancer or an on-call operator checks. */
  @Get('api/health')
  async health(@Res() res: Response): Promise<void> {
    const db = (await this.db.isUsable()) ? 'up' : 'down';
    const broker = this.broker.isUsable() ? 'up' : 'down';
    const body: Health = { status: db === 'up' && broker === 'up' ? 'ok' : 'degraded', db, broker };
    res.status(body.status === 'ok' ? 200 : 503).json(body);
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async prometheus(@Res() res: Response): Promise<void> {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
