/** Copies a fixture folder to a fresh temporary folder (tests never edit the fixtures). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');

export function copyFixture(relative: string): string {
  const from = path.join(REPO, relative);
  const to = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-review-'));
  fs.cpSync(from, to, { recursive: true });
  return fs.realpathSync(to);
}

export function writeFiles(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'schema-review-')));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

export function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`"${needle}" not found`);
  return text.slice(0, i).split('\n').length - 1;
}
