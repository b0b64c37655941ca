/**
 * The `worker-bare` template (workers.md §19.2), embedded: TypeScript and JavaScript here (the generated
 * worker runs as is: `npm install && npm run start` against a running `iii`), Python and Rust in their
 * own files.
 */
import { manifestText } from './manifest-template.ts';
import { pythonFiles } from './templates-python.ts';
import { rustFiles } from './templates-rust.ts';

export type Language = 'typescript' | 'javascript' | 'python' | 'rust';

/** Every file of the scaffold, by path relative to the worker folder. */
export function scaffoldFiles(name: string, lang: Language): Record<string, string> {
  if (lang === 'python') return pythonFiles(name);
  if (lang === 'rust') return rustFiles(name);
  return {
    'iii.worker.yaml': manifest(name),
    'package.json': packageJson(name, lang),
    [`src/index.${lang === 'typescript' ? 'ts' : 'js'}`]: source(name, lang),
    ...(lang === 'typescript' ? { 'tsconfig.json': TSCONFIG } : {}),
  };
}

export const SDK_VERSION = '0.22.1';

export function manifest(name: string): string {
  return manifestText(name, { image: 'docker.io/iiidev/node:latest', install: 'npm install', start: 'npm run start' });
}

export function packageJson(name: string, lang: 'typescript' | 'javascript'): string {
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

export function source(name: string, lang: 'typescript' | 'javascript'): string {
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
