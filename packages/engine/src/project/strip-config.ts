/**
 * The line-based strip of consumed `config:` blocks (workers.md §9.4): each block is replaced by one
 * pointer comment at the block's indentation; every other byte of config.yaml (comments, `${VAR}`
 * text, blank lines, line endings) is preserved.
 */
import type { ConfigBlockLocation } from '../core/config/config-entries.ts';

export interface StripTarget {
  /** Configuration id the value now lives under. */
  id: string;
  block: ConfigBlockLocation;
}

export interface StripResult {
  text: string;
  stripped: string[];
  warnings: string[];
}

/** `./config` style directory as shown in the comment. */
export function pointerComment(id: string, displayDir: string): string {
  const dir = displayDir.startsWith('.') || displayDir.startsWith('/') ? displayDir : `./${displayDir}`;
  return `# '${id}': value now lives in the configuration worker at ${dir}/${id}.yaml. Edit at runtime via 'iii config set ${id}' (or 'configuration::set'); this block is no longer read.`;
}

/**
 * Strip `targets` from `rawText`. Positions come from parsing the interpolated text, so they are only
 * trusted when both texts have the same number of lines (an env value with a newline would shift them).
 */
export function stripConfigBlocks(
  rawText: string,
  interpolatedLineCount: number,
  targets: readonly StripTarget[],
  displayDir: string,
): StripResult {
  const lines = rawText.split('\n');
  const result: StripResult = { text: rawText, stripped: [], warnings: [] };
  if (targets.length === 0) return result;
  if (lines.length !== interpolatedLineCount) {
    result.warnings.push('config.yaml: not stripping consumed config blocks: an interpolated value spans several lines');
    return result;
  }
  // Bottom-up, so earlier line numbers stay valid while later blocks are replaced.
  const sorted = [...targets].sort((a, b) => b.block.keyLine - a.block.keyLine);
  for (const t of sorted) {
    const { keyLine, keyCol, endLine } = t.block;
    const keyText = lines[keyLine - 1] ?? '';
    const indent = keyText.slice(0, keyCol - 1);
    if (!/^[ \t]*$/.test(indent) || !/^["']?config["']?\s*:/.test(keyText.slice(keyCol - 1))) {
      result.warnings.push(`config.yaml: line ${keyLine}: '${t.id}' config block left in place (not on its own line)`);
      continue;
    }
    const eol = (lines[endLine - 1] ?? '').endsWith('\r') ? '\r' : '';
    lines.splice(keyLine - 1, endLine - keyLine + 1, `${indent}${pointerComment(t.id, displayDir)}${eol}`);
    result.stripped.unshift(t.id);
  }
  result.text = lines.join('\n');
  return result;
}
