/** Where commands write. Injected so commands can be run in-process by tests and by main.ts alike. */
export interface CliIO {
  /** Results (JSON, tables the user may pipe). */
  out(text: string): void;
  /** Status lines, progress, warnings, errors. */
  err(text: string): void;
  /** `err` is a terminal: progress redraws one live line instead of printing plain lines. */
  readonly errIsTTY?: boolean;
  /** Width of that terminal (live lines are cut to fit). */
  readonly columns?: number;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  get errIsTTY() {
    return process.stderr.isTTY === true;
  },
  get columns() {
    return process.stderr.columns;
  },
};

/** Collects output in memory (tests, nested calls); `tty` makes commands treat `err` as a terminal. */
export function memoryIO(tty?: { columns: number }): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    ...(tty ? { errIsTTY: true, columns: tty.columns } : {}),
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}
