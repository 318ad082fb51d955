/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Everything is bundled into dist/: no CDN, fonts or scripts from elsewhere.
// `npm run dev` proxies the API to a lab server on FLEETLAB_API (default :8080).
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist', sourcemap: true, target: 'es2022', chunkSizeWarningLimit: 300,
    // Two pages: the lab, and the instructor's view of a class (src/class/instructor.ts).
    rolldownOptions: { input: { main: fileURLToPath(new URL('index.html', import.meta.url)), instructor: fileURLToPath(new URL('instructor.html', import.meta.url)) } },
  },
  server: { proxy: { '/api': process.env.FLEETLAB_API ?? 'http://127.0.0.1:8080' } },
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
