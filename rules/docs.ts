/**
 * Rule documentation: where each rule's Markdown doc lives and what it must contain.
 * Every rule ships `rules/<category>/<id>.md` beside its code.
 */
import type { RuleMeta } from './types';

/** The sections every rule doc has, in order (`## What it does`, …). */
export const RULE_DOC_SECTIONS = [
  'What it does',
  'Why is this bad?',
  'Example',
  'Fix safety',
  'Options',
  'When not to use it',
  'References',
] as const;

/** Repository-relative path of a rule's doc, e.g. `rules/indexes/unindexed-foreign-key.md`. */
export function ruleDocPath(meta: Pick<RuleMeta, 'id' | 'category'>): string {
  return `rules/${meta.category}/${meta.id}.md`;
}

export interface RuleDoc {
  /** The `# title` (the rule id). */
  title: string | undefined;
  /** `## heading` → body text, in order. */
  sections: Map<string, string>;
}

/** Split a rule doc into its title and `##` sections (fenced code blocks are not searched for headings). */
export function parseRuleDoc(markdown: string): RuleDoc {
  const sections = new Map<string, string>();
  let title: string | undefined;
  let current: string | undefined;
  let body: string[] = [];
  let inFence = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence && title === undefined && /^# /.test(line)) {
      title = line.slice(2).trim().replace(/^`|`$/g, '');
      continue;
    }
    if (!inFence && /^## /.test(line)) {
      if (current !== undefined) sections.set(current, body.join('\n').trim());
      current = line.slice(3).trim();
      body = [];
      continue;
    }
    body.push(line);
  }
  if (current !== undefined) sections.set(current, body.join('\n').trim());
  return { title, sections };
}
