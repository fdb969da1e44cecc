/** Hover on a Schema Review diagnostic: the message, what it costs the database, the fixes and the doc link. */
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { ruleById } from '../../rules';
import type { Position, Range } from '../../rules/model';
import type { Finding } from './engine';

function contains(range: Range, pos: Position): boolean {
  const afterStart = pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd = pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}

export function handleHover(findings: readonly Finding[], position: Position, docUri: (rule: string) => string | undefined): Hover | undefined {
  const here = findings.filter((f) => contains(f.range, position));
  if (!here.length) return undefined;
  const parts = here.map((f) => {
    const meta = ruleById(f.rule)?.meta;
    const lines = [`**Schema Review · ${f.rule}** (${f.severity})`, '', f.message];
    if (meta && meta.description && !f.message.includes(meta.description)) lines.push('', `*${meta.description}*`);
    if (f.fixes.length) {
      lines.push('', 'Fixes:');
      for (const fix of f.fixes) lines.push(`- ${fix.title}${fix.safety === 'safe' ? ' — safe' : fix.safety === 'unsafe' ? ' — changes behaviour, review it' : ''}`);
    }
    const href = docUri(f.rule);
    if (href) lines.push('', `[Documentation for ${f.rule}](${href})`);
    return lines.join('\n');
  });
  const contents: MarkupContent = { kind: 'markdown', value: parts.join('\n\n---\n\n') };
  return { contents, range: here[0].range };
}
