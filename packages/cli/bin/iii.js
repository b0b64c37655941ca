#!/usr/bin/env node
// The `iii` binary. Sources are TypeScript: they run as a cached esbuild bundle (bundle.js, rebuilt when a
// source changed), or through tsx's loader when that is not possible. Either way no build step is needed.
import { bundledEntry } from './bundle.js';

const entry = await bundledEntry();
if (entry) {
  // Stack traces point at the .ts sources (as they do under tsx).
  process.setSourceMapsEnabled(true);
  await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
