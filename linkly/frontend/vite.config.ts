import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `triad-source`: inside the Triad repo, iii-browser-sdk is used from its TypeScript sources (no build step).
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['triad-source', 'module', 'browser', 'development|production'] },
  server: { port: 5173 },
});
