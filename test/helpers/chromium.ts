/**
 * Debian's Chromium for browser tests, driven by playwright-core (browser downloads fail here). One
 * browser per test file: `launchChromium()` opens a persistent context in a temp profile, `close()`
 * closes it and removes the profile. Tests skip when Chromium is missing, and fail under CI=true.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Flags for this closed network: without the background-networking ones Chromium keeps dialling Google. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** The reason to skip when Chromium is missing; throws under CI=true, where it must be there. */
export function chromiumMissing(): string | undefined {
  if (hasChromium()) return undefined;
  assert.notEqual(process.env.CI, 'true', `${CHROMIUM} is missing (apt-get install -y chromium)`);
  return `${CHROMIUM} is missing: apt-get install -y chromium`;
}

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 800 }): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', ...CHROMIUM_ARGS],
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
