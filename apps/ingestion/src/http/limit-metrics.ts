import { Counter, type Registry } from 'prom-client';

/** Counters an operator alerts on: a client hitting the request limit, sign-ins held back (spraying shows as scope="address"). */
export interface LimitMetrics {
  rateLimited: Counter<'scope'>;
  loginThrottled: Counter<'scope'>;
}

const byRegistry = new WeakMap<Registry, LimitMetrics>();

/** The limit counters on the platform's registry (created once per registry, so every user shares them). */
export function limitMetrics(registry: Registry): LimitMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = {
      rateLimited: new Counter({ name: 'tm_http_rate_limited_total', help: 'REST requests answered 429 by the request rate limit, by scope (address or token)', labelNames: ['scope'] as const, registers: [registry] }),
      loginThrottled: new Counter({ name: 'tm_login_throttled_total', help: 'Sign-ins answered 429 while a wait was owed, by scope (user name + address, or address across names)', labelNames: ['scope'] as const, registers: [registry] }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
