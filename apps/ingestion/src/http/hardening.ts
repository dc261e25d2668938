import type { INestApplication } from '@nestjs/common';
import compression from 'compression';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { fromHttpLibraryError } from './errors';
import { jsonTextGuard, urlGuard, verifyBodyEncoding } from './input-guard';
import type { LimitBackend } from './limit-store';
import type { LimitMetrics } from './limit-metrics';
import { rateLimit } from './rate-limit';

type Directives = Record<string, string[]>;

/**
 * The dashboard is a Vite build served from this origin: its scripts, styles and fonts are
 * files here, it talks to /api and to socket.io on this origin (CSP3 'self' covers ws:/wss: to the
 * same host; a browser that disagrees falls back to long-polling), and it draws its charts as SVG.
 * Nothing may frame it (clickjacking), load plugins, or post forms elsewhere.
 */
export const DASHBOARD_CSP: Directives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'manifest-src': ["'self'"],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Swagger UI at /api/docs ships inline <style> blocks; everything else as for the dashboard. */
export const DOCS_CSP: Directives = { ...DASHBOARD_CSP, 'style-src': ["'self'", "'unsafe-inline'"] };

/** Browser features the platform never uses, switched off for it and anything it might embed. */
export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

const API_PATHS = /^\/(?:api|fhir)(?:\/|$)/;
const DOCS_PATHS = /^\/api\/docs(?:\/|$)/;

export interface HardeningOptions {
  config: Config;
  logger: Logger;
  limits: LimitBackend;
  metrics?: LimitMetrics;
}

/**
 * Everything a request passes before Nest routes it, in order: no X-Powered-By; the client
 * address through TRUST_PROXY; security headers; a 400 for a path or query that is not text;
 * the request rate limit; compression; `Cache-Control: no-store` for patient data; the JSON body
 * (size limit -> 413, not UTF-8 -> 400, NUL or lone surrogate in any field -> 400). Errors go
 * to the global ErrorFilter. Must run before `app.listen()` / `app.init()` (Nest adds its routes then).
 */
export function applyHttpHardening(app: INestApplication, { config, logger, limits, metrics }: HardeningOptions): void {
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.disable('x-powered-by');
  http.set('trust proxy', config.TRUST_PROXY ?? false);

  http.use(
    helmet({
      contentSecurityPolicy: false,
      // the dashboard loads nothing cross-origin, so it can keep its window and responses to itself
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'no-referrer' },
      // honoured only over HTTPS (behind a TLS proxy); subdomains are the hospital's business
      strictTransportSecurity: { maxAge: 180 * 24 * 60 * 60, includeSubDomains: false },
      xFrameOptions: { action: 'deny' },
    }),
  );
  const dashboardCsp = helmet.contentSecurityPolicy({ useDefaults: false, directives: DASHBOARD_CSP });
  const docsCsp = helmet.contentSecurityPolicy({ useDefaults: false, directives: DOCS_CSP });
  http.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
    (DOCS_PATHS.test(req.path) ? docsCsp : dashboardCsp)(req, res, next);
  });

  http.use(urlGuard());
  http.use(rateLimit(limits, { windowMs: config.RATE_LIMIT_WINDOW_MS, perAddress: config.RATE_LIMIT_PER_ADDRESS, perToken: config.RATE_LIMIT_PER_TOKEN }, logger, metrics));
  // gzip or brotli, as the browser asks; above 1 KB (the dashboard's assets, large JSON answers)
  http.use(compression({ threshold: 1024 }));
  http.use((req: Request, res: Response, next: NextFunction) => {
    // patient data stays out of shared ward computers' caches; a route may still say otherwise
    if (API_PATHS.test(req.path) && !DOCS_PATHS.test(req.path)) res.setHeader('Cache-Control', 'no-store');
    next();
  });
  http.use(express.json({ limit: config.HTTP_BODY_LIMIT_BYTES, type: ['application/json', 'application/*+json'], verify: verifyBodyEncoding }));
  // 413 payload_too_large, 400 invalid_json, 415 unsupported_encoding: said by us, not by Nest's default mapping
  http.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => next(fromHttpLibraryError(error)));
  http.use(jsonTextGuard());
}
