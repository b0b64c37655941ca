import { formatIssues, type Schema } from '../../core/config/schema.ts';
import { EngineError } from '../../core/errors/index.ts';

/** Parse a built-in function input or fail the way the reference does (`deserialization_error`). */
export function parseInput<T>(schema: Schema<T>, input: unknown, functionId: string): T {
  const r = schema.parse(input ?? {});
  if (!r.ok) throw new EngineError('deserialization_error', `${functionId}: ${formatIssues(r.issues)}`);
  return r.value;
}
