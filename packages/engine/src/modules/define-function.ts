/**
 * The one way to declare a built-in function: the id once, the input as a zod schema. It sets
 * `request_format` (and `response_format` from `output`), parses the input once — a mismatch fails
 * the way the reference does, `deserialization_error` "Failed to deserialize input for <id>: …" listing
 * every problem — and hands the handler the parsed value, typed from the schema.
 *
 * @example
 * const get = defineFunction({
 *   id: 'state::get',
 *   description: 'The stored value, or null',
 *   input: z.looseObject({ scope: z.string(), key: z.string() }),
 *   handler: ({ scope, key }) => store.get(scope, key),
 * });
 * ctx.engine.registerFunction(get);
 */
import { z } from 'zod';
import { toJsonSchema } from '../core/config/schema.ts';
import { parseInput } from '../core/input.ts';
import type { CallInfo, LocalFunction } from './module.ts';

export interface FunctionDefinition<S extends z.ZodType> {
  id: string;
  description?: string;
  /** Function inputs are `z.looseObject`s: callers may send more than the function reads. */
  input: S;
  /** Rendered as `response_format`; results are not checked against it. */
  output?: z.ZodType;
  metadata?: Record<string, unknown>;
  handler(input: z.output<S>, call: CallInfo): unknown;
}

export function defineFunction<S extends z.ZodType>(def: FunctionDefinition<S>): LocalFunction {
  const { id, input, output, handler, ...rest } = def;
  return {
    id,
    ...rest,
    request_format: toJsonSchema(input),
    ...(output ? { response_format: toJsonSchema(output) } : {}),
    handler: (raw, call) => handler(parseInput(input as z.ZodType<z.output<S>>, raw, id), call),
  };
}

/** The input of a function that reads none: any object (or nothing). */
export const noInput = z.looseObject({});
