/** Copies a fixture folder to a fresh temporary folder (tests never edit the fixtures). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Reviewer } from '../../server/src/review';
import { diskReader } from '../languages/prisma/helpers';

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

/**
 * A workspace whose `file` a test edits in memory (the rest is read from disk), and a reviewer that hears of every
 * edit, as the language server's does.
 */
export function editedWorkspace(root: string, file: string) {
  let text = fs.readFileSync(file, 'utf8');
  const disk = diskReader();
  const reader = { read: (p: string) => (p === file ? text : disk.read(p)) };
  const server = new Reviewer(root, reader);
  server.trackChanges();
  const edit = (next: string) => {
    text = next;
    server.noteChanged([file]);
  };
  return { reader, server, edit, text: () => text };
}
