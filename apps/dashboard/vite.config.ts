import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// Resolved from this file so the build works from the workspace root as well as from here.
const root = new URL('.', import.meta.url).pathname;
const api = 'http://localhost:3000';

/** Every file under public/ as the server serves it (`/icons/icon-192.png`). */
function publicFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? publicFiles(path) : [`/${relative(join(root, 'public'), path)}`];
  });
}

/**
 * The patient app's service worker (src/patient/service-worker.js) as dist/sw.js, with this build's
 * files to cache as the app shell and a version that changes with them, so a new build replaces
 * the old shell in the browser. A plain script, not bundled: a worker runs on its own.
 */
function serviceWorker(): Plugin {
  return {
    name: 'tm-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const built = Object.keys(bundle).map((file) => `/${file}`);
      const precache = ['/index.html', ...built.filter((f) => f !== '/index.html'), ...publicFiles(join(root, 'public'))].sort();
      const version = createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 16);
      const source = readFileSync(join(root, 'src/patient/service-worker.js'), 'utf8');
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: source.replace('__TM_VERSION__', version).replace('__TM_PRECACHE__', JSON.stringify(precache)) });
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), serviceWorker()],
  build: { outDir: `${root}dist`, emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: {
    proxy: {
      '/api': api,
      '/fhir': api,
      '/socket.io': { target: api, ws: true },
    },
  },
});
