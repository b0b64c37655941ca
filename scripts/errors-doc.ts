/**
 * Renders docs/errors.md from the one error catalogue (packages/engine/src/core/errors/codes.ts).
 *   npm run docs:errors        rewrite docs/errors.md
 * test/docs/errors-doc.test.ts fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { ErrorCodes } from '@triad/engine';

export function renderErrorsDoc(): string {
  const rows = Object.entries(ErrorCodes);
  const wire = rows.filter(([code]) => !code.startsWith('E_'));
  const triad = rows.filter(([code]) => code.startsWith('E_'));
  const table = (list: Array<[string, string]>): string =>
    ['| code | meaning |', '|---|---|', ...list.map(([c, m]) => `| \`${c}\` | ${m.replace(/\|/g, '\\|')} |`)].join('\n');
  return `# Error codes

Every error the engine, its built-in workers and the \`iii\` CLI produce carries one of these codes.
This file is generated from \`packages/engine/src/core/errors/codes.ts\` (\`npm run docs:errors\`); a test
keeps the two in step.

## Wire codes (reference-compatible spelling)

The iii-sdk and user code match on these, so they keep the reference engine's spelling.

${table(wire)}

## Triad codes

Errors the reference engine leaves unspecified (bad frames, config problems, HTTP body errors, CLI
failures, ...). Always \`E_<AREA>_<WHAT>\`.

${table(triad)}
`;
}

if (process.argv[1]?.endsWith('errors-doc.ts')) {
  writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
  console.log('docs/errors.md written');
}
