// The patient app's service worker (ARCHITECTURE.md §12): the app opens without a network, with
// what it last fetched. vite.config.ts builds it into dist/sw.js, filling in the build's file
// list (PRECACHE) and the build's hash (VERSION).
//
// - The app shell (index.html, the hashed scripts and styles, manifest, icons) is cached when the
//   worker installs; a new build installs a new worker with its own cache and the old one goes.
// - Pages: the network first, the cached index.html without one.
// - The patient's own data (GET /api/me..., the questionnaires): the network first, and each good
//   answer kept; without a network the kept answer. Kept per signed-in token (a hash of it, never
//   the token), so another person signing in on the same tablet never gets someone else's, and
//   removed at sign-out ({ type: 'sign-out' } from the app). `from` and `to` move with the clock,
//   so they are not part of what identifies a kept answer.
// - Everything else (clinicians' routes, every POST) passes by untouched.
/* eslint-disable */
'use strict';

const VERSION = '__TM_VERSION__';
const PRECACHE = __TM_PRECACHE__;
const SHELL_CACHE = `tm-shell-${VERSION}`;
const DATA_CACHE = 'tm-patient-data';
const DATA_PATHS = /^\/api\/(me(\/|$)|questionnaires$)/;
const MOVING_PARAMS = ['from', 'to'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('tm-shell-') && k !== SHELL_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'sign-out') event.waitUntil(caches.delete(DATA_CACHE));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match('/index.html', { cacheName: SHELL_CACHE }).then((r) => r || Response.error())));
    return;
  }
  if (DATA_PATHS.test(url.pathname)) {
    event.respondWith(networkFirstData(request, url));
    return;
  }
  if (PRECACHE.includes(url.pathname)) event.respondWith(caches.match(url.pathname, { cacheName: SHELL_CACHE }).then((r) => r || fetch(request)));
});

async function networkFirstData(request, url) {
  const key = await dataKey(request, url);
  try {
    const response = await fetch(request);
    if (response.ok && key !== null) {
      const cache = await caches.open(DATA_CACHE);
      await cache.put(key, response.clone());
      // one signed-in person's answers at a time
      const prefix = key.slice(0, key.indexOf('/api/'));
      for (const old of await cache.keys()) if (!new URL(old.url).pathname.startsWith(new URL(prefix).pathname)) await cache.delete(old);
    }
    return response;
  } catch (error) {
    const kept = key === null ? undefined : await caches.match(key, { cacheName: DATA_CACHE });
    if (kept) return kept;
    throw error;
  }
}

/** `<origin>/__kept/<sha-256 of the token>/api/me/...?<params without from/to>`, or null without a token. */
async function dataKey(request, url) {
  const auth = request.headers.get('authorization');
  if (!auth) return null;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(auth));
  const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, 32);
  const params = new URLSearchParams(url.search);
  for (const p of MOVING_PARAMS) params.delete(p);
  params.sort();
  const search = params.toString();
  return `${url.origin}/__kept/${hash}${url.pathname}${search ? `?${search}` : ''}`;
}
