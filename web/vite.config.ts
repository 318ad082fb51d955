/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// docs/instructor.md travels with the lab (the "Instructor guide" link renders it).
const instructorGuide = (): Plugin => ({
  name: 'fleetlab-instructor-guide',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'instructor.md', source: readFileSync(new URL('../docs/instructor.md', import.meta.url), 'utf8') });
  },
});

// Everything is bundled into dist/: no CDN, fonts or scripts from elsewhere.
// `npm run dev` proxies the API to a lab server on FLEETLAB_API (default :8080).
export default defineConfig({
  base: './',
  plugins: [instructorGuide()],
  build: {
    outDir: 'dist', sourcemap: true, target: 'es2022', chunkSizeWarningLimit: 300,
    // Two pages: the lab, and the instructor's view of a class (src/class/instructor.ts).
    rolldownOptions: { input: { main: fileURLToPath(new URL('index.html', import.meta.url)), instructor: fileURLToPath(new URL('instructor.html', import.meta.url)) } },
  },
  server: { proxy: { '/api': process.env.FLEETLAB_API ?? 'http://127.0.0.1:8080' } },
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
