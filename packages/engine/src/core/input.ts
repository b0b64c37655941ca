/**
 * Built-in function inputs are parsed once, here, with the function's zod schema; a mismatch fails the
 * way the reference does: `deserialization_error`, "Failed to deserialize input for <id>: …", with every
 * problem listed. A missing input (the SDK drops `data` when the payload is undefined) counts as `{}`.
 */
import { check, type Schema } from './config/schema.ts';
import { EngineError } from './errors/index.ts';

export function parseInput<T>(schema: Schema<T>, input: unknown, functionId: string): T {
  const r = check(schema, input ?? {});
  if (r.ok) return r.value;
  const problems = r.issues.map((i) => `${i.path || 'input'} ${i.message}`).join('; ');
  throw new EngineError('deserialization_error', `Failed to deserialize input for ${functionId}: ${problems}`);
}
