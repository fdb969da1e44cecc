/**
 * URI ↔ path conversions (remembered both ways): the same answers as a fresh conversion, for odd paths too, and
 * non-file URIs have no path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { URI } from 'vscode-uri';
import { pathToUri, uriToPath } from '../../server/src/documents';

test('paths and file URIs convert both ways, the same on every call', () => {
  for (const file of ['/w/prisma/schema.prisma', '/w/a b/#x%y/ü.sql', '/w/[id]/page.tsx', '/']) {
    for (let round = 0; round < 3; round++) {
      const uri = pathToUri(file);
      assert.equal(uri, URI.file(file).toString(), file);
      assert.equal(uriToPath(uri), file, uri);
    }
  }
  for (let round = 0; round < 2; round++) {
    assert.equal(uriToPath('untitled:Untitled-1'), undefined);
    assert.equal(uriToPath('vscode-notebook-cell:/w/a.ipynb#x'), undefined);
  }
});
