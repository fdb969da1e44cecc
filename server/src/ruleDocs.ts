/**
 * Where a rule's documentation lives. Every rule ships its `.md` beside it (`rules/<category>/<id>.md`);
 * the extension package carries them, so the editor links to the local file and works offline. Reports
 * that leave the machine (SARIF, Markdown) link to the same path under the project's public home page.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleById } from '../../rules';
import { ruleDocPath as docPathOf } from '../../rules/docs';

/** Public location of the sources (package.json `repository`). */
export const DOCS_BASE = 'https://github.com/schema-review/schema-review/blob/main/';

/** Repository-relative path of a rule's doc, e.g. `rules/indexes/unindexed-foreign-key.md`. */
export function ruleDocPath(ruleId: string): string | undefined {
  const rule = ruleById(ruleId);
  return rule ? docPathOf(rule.meta) : undefined;
}

/** The public URL of a rule's doc (or of the docs index when `ruleId` is undefined). */
export function ruleDocUrl(ruleId: string | undefined): string {
  const p = ruleId ? ruleDocPath(ruleId) : 'README.md';
  return DOCS_BASE + (p ?? 'README.md');
}

/** A `file:` URI of the doc shipped next to the running bundle (`<extension>/dist/server.js` → `<extension>/rules/...`). */
export function localRuleDocUri(ruleId: string, extensionRoot: string): string | undefined {
  const p = ruleDocPath(ruleId);
  return p ? pathToFileURL(path.join(extensionRoot, p)).toString() : undefined;
}
