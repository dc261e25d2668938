import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Resolved from this file so the build works from the workspace root as well as from here.
const root = new URL('.', import.meta.url).pathname;
const api = 'http://localhost:3000';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: { outDir: `${root}dist`, emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: {
    proxy: {
      '/api': api,
      '/fhir': api,
      '/socket.io': { target: api, ws: true },
    },
  },
});
