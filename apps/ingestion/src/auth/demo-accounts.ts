import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Config } from '../config';
import type { Db } from '../db/db';
import { disableDemoAccounts } from '../demo/seed';
import type { Logger } from '../logger';
import { CONFIG, DB, LOGGER } from '../shared/tokens';

/**
 * ARCHITECTURE.md §11: without DEMO=1 the demo seed's accounts (admin/admin, nurse/nurse, ...)
 * are disabled before the HTTP port opens, whatever an earlier run seeded. Logged once, with the count.
 */
@Injectable()
export class DemoAccounts implements OnApplicationBootstrap {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.DEMO) return;
    const disabled = await disableDemoAccounts(this.db);
    if (disabled > 0) this.logger.warn({ event: 'demo_accounts_disabled', count: disabled }, `DEMO is not 1: disabled ${disabled} account(s) made by the demo seed`);
  }
}
