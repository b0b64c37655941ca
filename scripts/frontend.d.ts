// Types of frontend.js for the TypeScript tests that build and serve the Linkly frontend themselves.
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';

export function buildFrontend(project: string, opts: { browserUrl: string; token?: string | undefined; outName?: string }): Promise<string>;
export function serveFrontend(dir: string, port: number): Promise<{ server: Server; url: string }>;
export function frontendFor(
  project: string,
  child: ChildProcess,
  opts: { browserPort: string | number; port: number; outName?: string },
): Promise<string | null>;
