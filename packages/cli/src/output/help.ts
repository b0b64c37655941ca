/** Help text for a command, built from its declaration (so help and parser never disagree). */
import { HELP_OPTION, type OptionSpec } from '../args.ts';
import type { Command } from '../registry.ts';

export function renderOptions(options: readonly OptionSpec[]): string {
  const rows = [...options, HELP_OPTION].map((o) => {
    const names = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
    const text = o.defaultText ? `${o.description} [default: ${o.defaultText}]` : o.description;
    return [names, text] as const;
  });
  const width = Math.max(...rows.map(([n]) => n.length));
  return rows.map(([n, t]) => `  ${n.padEnd(width)}  ${t}`).join('\n');
}

export function renderHelp(command: Command): string {
  const parts = [command.summary, '', `Usage: ${command.usage}`, '', 'Options:', renderOptions(command.options)];
  if (command.details) parts.push('', command.details.trimEnd());
  return `${parts.join('\n')}\n`;
}

/** `iii worker` with no sub-command: list what is under it. */
export function renderGroupHelp(group: string, commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return `Usage: iii ${group} <command>\n\nCommands:\n${lines.join('\n')}\n`;
}
