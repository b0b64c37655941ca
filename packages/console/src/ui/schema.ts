/** A starting payload from a JSON Schema: required properties with placeholder values of their type. */

type Node = { type?: unknown; properties?: Record<string, Node>; required?: unknown; default?: unknown; enum?: unknown[] };

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function skeleton(schema: unknown, depth = 0): unknown {
  if (!isNode(schema) || depth > 4) return undefined;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const required = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : [];
      const out: Record<string, unknown> = {};
      for (const key of required) out[key] = skeleton(schema.properties?.[key], depth + 1) ?? null;
      return out;
    }
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return undefined;
  }
}
