/**
 * The editor case: a handler's wrap fix depends on a response helper of another module (`sendCreated(res, order)`
 * imported through an index file, `this.created(res, order)` of a base controller). When only the helper's module
 * changes, the language server's cached analysis of the handler (per-unit project cache, per-file CodeFiles, rule
 * results cached by CodeFile identity) must be made again, and the fix follow the helper.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeAnalyzer, discoverCode } from '../../../server/src/languages/code';
import { Reviewer } from '../../../server/src/review';
import { copyFixture } from '../../helpers/workspace';
import { reader as diskOverlay } from './helpers';

function workspace() {
  const root = copyFixture('test/fixtures/code-rules/express-helpers');
  const overrides = new Map<string, string>();
  const reader = diskOverlay(overrides);
  const server = new Reviewer(root, reader);
  server.trackChanges();
  const edit = (rel: string, change: (text: string) => string) => {
    const file = join(root, rel);
    overrides.set(file, change(overrides.get(file) ?? readFileSync(file, 'utf8')));
    server.noteChanged([file]);
  };
  /** The multi-write finding of a file and its fix titles, from the incremental reviewer and from a fresh one. */
  const review = () => {
    const incremental = server.review();
    const fresh = new Reviewer(root, reader).review();
    assert.deepEqual(incremental.findings, fresh.findings, 'the incremental review equals a fresh review');
    return (rel: string) => {
      const f = incremental.findings.find((x) => x.rule === 'multi-write-without-transaction' && x.file === join(root, rel));
      assert.ok(f, `a multi-write finding in ${rel}`);
      return f.fixes.map((x) => x.title);
    };
  };
  return { root, edit, review };
}

const ROUTE = 'src/routes/orders.ts';
const CONTROLLER = 'src/controllers/orders.controller.ts';

describe('a response helper module edited alone', () => {
  it('the helper modules join the code unit (through the index re-exporting them)', () => {
    const root = copyFixture('test/fixtures/code-rules/express-helpers');
    const files = ['src/controllers/base.controller.ts', CONTROLLER, 'src/db.ts', 'src/http/index.ts', 'src/http/responses.ts', ROUTE].map((f) => join(root, f));
    assert.deepEqual(discoverCode(files, diskOverlay())[0]?.files, files);
  });

  it('`sendCreated` stops sending: the route\'s wrap fix appears; it sends again: the fix goes', () => {
    const { edit, review } = workspace();
    let fixes = review();
    assert.deepEqual(fixes(ROUTE), []);
    assert.deepEqual(fixes(CONTROLLER), []);

    edit('src/http/responses.ts', (t) => t.replace(`res.status(201).json({ data: body });`, `console.info('created', res.locals.requestId, body);`));
    fixes = review();
    assert.equal(fixes(ROUTE).length, 1);
    assert.match(fixes(ROUTE)[0]!, /transaction/i);
    assert.deepEqual(fixes(CONTROLLER), [], 'the controller does not use that helper');

    edit('src/http/responses.ts', (t) => t.replace(`console.info('created', res.locals.requestId, body);`, `res.status(201).json({ data: body });`));
    fixes = review();
    assert.deepEqual(fixes(ROUTE), []);
  });

  it('the base controller\'s `created` stops sending: the controller\'s wrap fix appears', () => {
    const { edit, review } = workspace();
    assert.deepEqual(review()(CONTROLLER), []);
    edit('src/controllers/base.controller.ts', (t) => t.replace('return res.status(201).json({ data: body });', 'return { status: 201, data: body, requestId: res.locals.requestId };'));
    const fixes = review();
    assert.equal(fixes(CONTROLLER).length, 1);
    assert.deepEqual(fixes(ROUTE), []);
  });

  it('the index stops re-exporting the helper (a local stub instead): the route\'s wrap fix appears', () => {
    const { edit, review } = workspace();
    assert.deepEqual(review()(ROUTE), []);
    edit('src/http/index.ts', () => `export { replies } from './responses';\nexport function sendCreated(_res: unknown, body: unknown) {\n  return body;\n}\n`);
    assert.equal(review()(ROUTE).length, 1);
  });

  it('CodeAnalyzer: the importers of an edited response module get new CodeFile objects, the others keep theirs', () => {
    const root = copyFixture('test/fixtures/code-rules/express-helpers');
    const overrides = new Map<string, string>();
    const reader = diskOverlay(overrides);
    const files = ['src/controllers/base.controller.ts', CONTROLLER, 'src/db.ts', 'src/http/index.ts', 'src/http/responses.ts', ROUTE].map((f) => join(root, f));
    const analyzer = new CodeAnalyzer();
    const byFile = () => new Map(analyzer.analyze(files, reader).codeFiles.map((c) => [c.file.slice(root.length + 1), c]));
    const first = byFile();
    const responses = join(root, 'src/http/responses.ts');
    overrides.set(responses, readFileSync(responses, 'utf8').replace('res.status(201).json({ data: body });', 'console.info(res.locals.requestId, body);'));
    const second = byFile();
    assert.notEqual(second.get(ROUTE), first.get(ROUTE), 'the route imports the helper through the index');
    assert.deepEqual(second.get(ROUTE), first.get(ROUTE), 'its facts are the same');
    assert.equal(second.get(CONTROLLER), first.get(CONTROLLER));
    assert.equal(second.get('src/db.ts'), first.get('src/db.ts'));
    // An edit of the client module (no response, no forwarded export) keeps its importers' objects.
    const db = join(root, 'src/db.ts');
    overrides.set(db, `${readFileSync(db, 'utf8')}\n// one client per process\n`);
    const third = byFile();
    assert.equal(third.get(ROUTE), second.get(ROUTE));
    assert.equal(third.get(CONTROLLER), second.get(CONTROLLER));
  });
});
