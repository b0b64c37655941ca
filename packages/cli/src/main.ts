/** Process wiring only: argv in, exit code out. The logic lives in cli.ts and the commands. */
import { runCli } from './cli.ts';
import { processIO } from './output/io.ts';

// `iii trigger … | head -1` closes our stdout early: that is the reader's choice, not a crash.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await runCli(process.argv.slice(2), { io: processIO, cwd: process.cwd(), env: process.env });
// Safety net: a library handle left open must not keep a finished command alive.
setTimeout(() => process.exit(), 2_000).unref();
