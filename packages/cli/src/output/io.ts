/** Where commands write. Injected so commands can be run in-process by tests and by main.ts alike. */
export interface CliIO {
  /** Results (JSON, tables the user may pipe). */
  out(text: string): void;
  /** Status lines, progress, warnings, errors. */
  err(text: string): void;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Collects output in memory (tests, nested calls). */
export function memoryIO(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}
