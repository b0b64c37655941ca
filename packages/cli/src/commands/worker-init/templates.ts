/**
 * The `worker-bare` template (workers.md §19.2) for TypeScript and JavaScript, embedded.
 * The generated worker runs as is: `npm install && npm run start` against a running `iii`.
 */
export type Language = 'typescript' | 'javascript';

export const SDK_VERSION = '0.22.1';

export function manifest(name: string): string {
  return `name: ${name}
runtime:
  # Base OCI image used as the worker rootfs.
  base_image: docker.io/iiidev/node:latest
scripts:
  install: npm install
  start: npm run start
`;
}

export function packageJson(name: string, lang: Language): string {
  const ts = lang === 'typescript';
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: ts ? { build: 'tsc', start: 'tsx watch src/index.ts' } : { start: 'node --watch src/index.js' },
    dependencies: { 'iii-sdk': SDK_VERSION, '@iii-dev/helpers': SDK_VERSION, ...(ts ? { tsx: '^4.19.0' } : {}) },
    ...(ts ? { devDependencies: { '@types/node': '^20.19.0', typescript: '^5.9.0' } } : {}),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      outDir: 'dist',
    },
    include: ['src/**/*.ts'],
  },
  null,
  2,
)}\n`;

export function source(name: string, lang: Language): string {
  const typed = lang === 'typescript';
  const param = typed ? 'data: { name?: string }' : 'data';
  return `import { registerWorker } from 'iii-sdk';

// \`iii\` starts this worker with III_URL (the engine socket) and III_WORKER_NAME set.
const worker = registerWorker(process.env.III_URL ?? 'ws://localhost:49134', {
  workerName: process.env.III_WORKER_NAME ?? '${name}',
});

worker.registerFunction(
  '${name}::hey',
  async (${param}) => ({ greeting: \`hey \${data?.name ?? 'there'}\` }),
  { description: 'Example function: says hey to \`name\`' },
);

// Leave the engine cleanly when \`iii\` stops this worker.
for (const signal of ['SIGTERM', 'SIGINT']${typed ? ' as const' : ''}) {
  process.once(signal, () => {
    worker.shutdown().finally(() => process.exit(0));
  });
}

console.log('worker ready');
`;
}
