import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { multiWriteWithoutTransaction as rule } from '../../rules/transactions/multi-write-without-transaction';
import { arm, codeFile, drizzle, fn, loc, prisma, runRule, span, transaction, writingCall, analyzeProject, findingsIn, applyFix, syntaxErrors, analyzeCuts } from '../helpers/code-model';
import { analyzeText, applyEdits as applyCodeEdits, syntaxErrors as syntaxErrorsIn } from '../languages/code/helpers';
import { codeFrontEnd } from '../../server/src/languages/code';

const register = fn('registerUser', 1, 20);

describe('multi-write-without-transaction', () => {
  describe('valid', () => {
    const cases = {
      'one write': [prisma('user.create', { line: 3, fn: register })],
      'writes in different functions': [
        prisma('user.create', { line: 3, fn: fn('a', 1, 5) }),
        prisma('account.create', { line: 8, fn: fn('b', 7, 10) }),
      ],
      'reads and one write': [
        prisma('user.findUnique', { line: 2, fn: register }),
        prisma('user.update', { line: 3, fn: register }),
      ],
      'all writes through tx in one callback transaction': (() => {
        const t = transaction(2, 6);
        return [
          prisma('tx.user.create', { line: 3, fn: register, transaction: t }),
          prisma('tx.account.create', { line: 4, fn: register, transaction: t }),
        ];
      })(),
      'all writes in one array transaction': (() => {
        const t = transaction(2, 5, { form: 'array', callbackParam: undefined });
        return [
          prisma('position.deleteMany', { line: 3, fn: register, transaction: t }),
          prisma('position.createMany', { line: 4, fn: register, transaction: t }),
        ];
      })(),
      'callback writes in their own function': (() => {
        const t = transaction(2, 6);
        const cb = fn('<anonymous>', 2, 6);
        return [
          prisma('tx.user.create', { line: 3, fn: cb, transaction: t }),
          prisma('tx.account.create', { line: 4, fn: cb, transaction: t }),
        ];
      })(),
      'if/else each writing once (branchPath)': [
        prisma('user.update', { line: 4, fn: register, branchPath: [arm(3, 8, 3, 5)] }),
        prisma('user.create', { line: 7, fn: register, branchPath: [arm(3, 8, 6, 8)] }),
      ],
      'if/else each writing once (branch only)': [
        prisma('user.update', { line: 4, fn: register, branch: loc(3, 10, 3, 5) }),
        prisma('user.create', { line: 7, fn: register, branch: loc(6, 10, 3, 8) }),
      ],
      'if / else if / else, one write each': [
        prisma('user.update', { line: 4, fn: register, branchPath: [arm(3, 12, 3, 5)] }),
        prisma('user.create', { line: 7, fn: register, branchPath: [arm(3, 12, 6, 12), arm(6, 12, 6, 8)] }),
        prisma('user.delete', { line: 10, fn: register, branchPath: [arm(3, 12, 6, 12), arm(6, 12, 9, 12)] }),
      ],
      'early return then a write (upsert by hand)': [
        prisma('user.update', { line: 4, fn: register, branchPath: [arm(3, 6, 3, 6, true)] }),
        prisma('user.create', { line: 8, fn: register }),
      ],
      'a write in a nested arm that returns, then a write after the outer if': [
        prisma('user.update', { line: 5, fn: register, branchPath: [arm(3, 8, 3, 8), arm(4, 7, 4, 7, true)] }),
        prisma('user.create', { line: 10, fn: register }),
      ],
      'a write in the catch of another write (records the failure)': [
        prisma('payment.create', { line: 3, fn: register, catch: { loc: loc(4, 4, 3, 7), onlyLogs: false } }),
        prisma('job.update', { line: 5, fn: register }),
      ],
      'one write in a loop that leaves after it (a search that updates what it found)': [
        prisma('item.update', { line: 5, fn: register, loop: { kind: 'for-of', loc: loc(4, 2, 3, 8), variable: 'item', once: true } }),
      ],
      'one write per round of a while loop (a worker: each round is its own work)': [
        prisma('job.update', { line: 5, fn: register, loop: { kind: 'while', loc: loc(4, 2, 3, 8) } }),
      ],
      'one write per element, its failure caught inside the loop (each element on its own)': [
        prisma('item.update', { line: 6, fn: register, loop: { kind: 'for-of', loc: loc(4, 2, 3, 10), variable: 'item' }, catch: { loc: loc(7, 4, 3, 9), onlyLogs: true } }),
      ],
      'writes per element inside one transaction': (() => {
        const t = transaction(2, 9);
        const loop = { kind: 'for-of' as const, loc: loc(3, 4, 3, 8), variable: 'item' };
        return [
          prisma('tx.item.update', { line: 5, fn: register, transaction: t, loop }),
          prisma('tx.item.create', { line: 7, fn: register, transaction: t, loop }),
        ];
      })(),
      'one write in a forEach callback (its own function, not awaited by the caller)': [
        prisma('item.create', { line: 5, fn: fn('<anonymous>', 4, 6), loop: { kind: 'forEach', loc: loc(4, 2, 40, 6), variable: 'item' } }),
      ],
    };
    for (const [name, calls] of Object.entries(cases)) {
      it(name, () => {
        const transactions = [...new Map(calls.filter((c) => c.transaction).map((c) => [c.transaction!.callLoc, c.transaction!])).values()];
        assert.deepEqual(runRule(rule, { codeFiles: [codeFile(calls, { transactions })] }), []);
      });
    }
    it('a workspace function that writes, called once', () => {
      const file = codeFile([], { writingCalls: [writingCall('createAuditLog', { line: 4, fn: register })] });
      assert.deepEqual(runRule(rule, { codeFiles: [file] }), []);
    });
  });

  describe('pages, polls and settled lists', () => {
    it('a for that walks no list (for (;;), attempt < 3) pages or retries like a while; Promise.allSettled hands each element\'s failure to the code: neither repeats', () => {
      const rounds = { kind: 'for' as const, loc: loc(4, 2, 8, 3), rounds: true };
      assert.deepEqual(runRule(rule, { codeFiles: [codeFile([prisma('user.updateMany', { line: 6, fn: register, loop: rounds })])] }), []);
      const settled = { kind: 'map' as const, loc: loc(4, 30, 4, 90), variable: 'id', settled: true };
      const host = { name: 'registerUser', functionLoc: register.functionLoc };
      const calls = [prisma('invoice.update', { line: 5, fn: fn('<arrow>', 4, 4), loop: settled, host })];
      assert.deepEqual(runRule(rule, { codeFiles: [codeFile(calls)] }), []);
      // The same writes in a for loop with a condition, or awaited by Promise.all, repeat.
      assert.equal(runRule(rule, { codeFiles: [codeFile([prisma('user.updateMany', { line: 6, fn: register, loop: { ...rounds, rounds: undefined } })])] }).length, 1);
      assert.equal(runRule(rule, { codeFiles: [codeFile([{ ...calls[0]!, loop: { ...settled, settled: undefined } }])] }).length, 1);
    });
  });

  describe('invalid', () => {
    it('user + account + session created without a transaction (seed 001)', () => {
      const calls = [
        prisma('user.create', { line: 3, fn: register }),
        prisma('account.create', { line: 4, fn: register }),
        prisma('session.create', { line: 5, fn: register }),
      ];
      const file = codeFile(calls, {
        otherAwaits: [{ expression: 'sendWelcomeEmail(…)', loc: loc(4, 20, 40), functionLoc: register.functionLoc }],
      });
      const [finding, ...rest] = runRule(rule, { codeFiles: [file] });
      assert.equal(rest.length, 0);
      assert.ok(finding);
      assert.match(finding.message, /^3 writes in `registerUser` are not in one transaction/);
      assert.match(finding.message, /prisma\.user\.create, prisma\.account\.create, prisma\.session\.create/);
      assert.match(finding.message, /earlier ones stay committed/);
      assert.equal(span(finding.loc), '3:4-5:52');
      assert.equal(finding.related?.length, 3);
      const [fix] = finding.fixes ?? [];
      assert.ok(fix);
      assert.equal(fix.safety, 'unsafe');
      assert.equal(fix.title, 'Wrap these 3 writes in prisma.$transaction(async (tx) => …) (holds the transaction open across await sendWelcomeEmail(…))');
      assert.equal(fix.intent.kind, 'wrapInTransaction');
      if (fix.intent.kind === 'wrapInTransaction') {
        assert.deepEqual(fix.intent.calls, calls);
        assert.equal(fix.intent.transactionClient, 'tx');
        assert.equal(fix.intent.file, file);
      }
    });

    it('delete all positions, then insert (Drizzle)', () => {
      const f = fn('replacePositions', 10, 20);
      const calls = [drizzle('delete', 'positions', { line: 12, fn: f, chain: ['where'] }), drizzle('insert', 'positions', { line: 13, fn: f, chain: ['values'] })];
      const [finding] = runRule(rule, { codeFiles: [codeFile(calls)] });
      assert.ok(finding);
      assert.match(finding.message, /db\.delete\(positions\), db\.insert\(positions\)/);
      assert.equal(span(finding.loc), '12:4-13:52');
      assert.equal(finding.fixes?.[0]?.title, 'Wrap these 2 writes in db.transaction(async (tx) => …)');
    });

    it('two separate ifs that can both run (branchPath)', () => {
      const calls = [
        prisma('user.update', { line: 4, fn: register, branchPath: [arm(3, 5, 3, 5)] }),
        prisma('profile.update', { line: 7, fn: register, branchPath: [arm(6, 8, 6, 8)] }),
      ];
      assert.equal(runRule(rule, { codeFiles: [codeFile(calls)] }).length, 1);
    });

    it('a write before an if/else that writes in each arm', () => {
      const calls = [
        prisma('order.create', { line: 2, fn: register }),
        prisma('stock.update', { line: 4, fn: register, branchPath: [arm(3, 8, 3, 5)] }),
        prisma('backorder.create', { line: 7, fn: register, branchPath: [arm(3, 8, 6, 8)] }),
      ];
      const [finding] = runRule(rule, { codeFiles: [codeFile(calls)] });
      assert.ok(finding);
      assert.equal(span(finding.loc), '2:4-7:52');
    });

    it('an arm that writes twice', () => {
      const calls = [
        prisma('user.update', { line: 4, fn: register, branchPath: [arm(3, 8, 3, 5)] }),
        prisma('audit.create', { line: 5, fn: register, branchPath: [arm(3, 8, 3, 5)] }),
        prisma('user.create', { line: 7, fn: register, branchPath: [arm(3, 8, 6, 8)] }),
      ];
      assert.equal(runRule(rule, { codeFiles: [codeFile(calls)] }).length, 1);
    });

    it('an exiting arm does not exclude the writes before the if', () => {
      const calls = [
        prisma('audit.create', { line: 2, fn: register }),
        prisma('user.update', { line: 4, fn: register, branchPath: [arm(3, 6, 3, 6, true)] }),
      ];
      assert.equal(runRule(rule, { codeFiles: [codeFile(calls)] }).length, 1);
    });

    it('a write before a nested arm that returns', () => {
      const calls = [
        prisma('audit.create', { line: 2, fn: register }),
        prisma('user.update', { line: 5, fn: register, branchPath: [arm(3, 8, 3, 8), arm(4, 7, 4, 7, true)] }),
      ];
      assert.equal(runRule(rule, { codeFiles: [codeFile(calls)] }).length, 1);
    });

    it('a write in a loop and another write: the loop repeats it, the wrapper holds the loop', () => {
      const loop = { kind: 'for-of' as const, loc: loc(4, 2, 3, 6), variable: 'item' };
      const calls = [prisma('order.create', { line: 2, fn: register }), prisma('orderItem.create', { line: 5, fn: register, loop })];
      const [finding] = runRule(rule, { codeFiles: [codeFile(calls)] });
      assert.ok(finding);
      assert.equal(
        finding.message,
        'Writes in `registerUser` are not in one transaction, and some repeat per element (prisma.order.create, prisma.orderItem.create once per `item`): ' +
          'if a later one fails, the earlier ones stay committed and the data is left half-written.',
      );
      assert.equal(span(finding.loc), '2:4-6:3', 'from the first write through the end of the loop');
      const [fix] = finding.fixes ?? [];
      assert.equal(fix?.title, 'Wrap these writes and their loop in prisma.$transaction(async (tx) => …)');
      assert.deepEqual(fix?.intent.kind === 'wrapInTransaction' ? fix.intent.enclose : undefined, [loop.loc]);
    });

    it('one write in a for…of loop, nothing else: a failure at one element leaves the earlier ones written', () => {
      const loop = { kind: 'for-of' as const, loc: loc(4, 2, 3, 6), variable: 'item' };
      const [finding, ...rest] = runRule(rule, { codeFiles: [codeFile([prisma('item.create', { line: 5, fn: register, loop })])] });
      assert.equal(rest.length, 0);
      assert.ok(finding);
      assert.match(finding.message, /^The writes in `registerUser` repeat per element and are not in one transaction \(prisma\.item\.create, once per `item`\)/);
      assert.match(finding.message, /earlier iterations' writes stay committed/);
      assert.equal(finding.fixes?.[0]?.title, 'Wrap these writes and their loop in prisma.$transaction(async (tx) => …)');
    });

    it('a search-and-break in an inner loop still repeats per element of the outer one (real analysis)', () => {
      const text = [
        "import { PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        'export async function flag(orders: { id: string; items: { sku: string }[] }[], sku: string) {',
        '  for (const order of orders) {',
        '    for (const item of order.items) {',
        '      if (item.sku === sku) {',
        "        await prisma.order.update({ where: { id: order.id }, data: { flagged: true } });",
        '        break;',
        '      }',
        '    }',
        '  }',
        '}',
      ].join('\n');
      const { file } = analyzeText(text);
      const [finding, ...rest] = runRule(rule, { codeFiles: [file] });
      assert.equal(rest.length, 0);
      assert.match(finding!.message, /^The writes in `flag` repeat per element and are not in one transaction \(prisma\.order\.update, once per `order`\)/);
    });

    it('update or insert per element (if/else inside the loop): reported once, both named, "once per `asset`" (seed 002)', () => {
      const f = fn('DatabaseStorage.bulkUpsertBrokerAssets', 229, 247);
      const loop = { kind: 'for-of' as const, loc: loc(231, 4, 5, 245), variable: 'asset' };
      const calls = [
        drizzle('select', 'brokerAssets', { line: 232, fn: f, loop, chain: ['from', 'where'] }),
        drizzle('update', 'brokerAssets', { line: 237, fn: f, loop, chain: ['set', 'where'], branchPath: [arm(236, 243, 236, 241)] }),
        drizzle('insert', 'brokerAssets', { line: 242, fn: f, loop, chain: ['values'], branchPath: [arm(236, 243, 241, 243)] }),
      ];
      const [finding, ...rest] = runRule(rule, { codeFiles: [codeFile(calls)] });
      assert.equal(rest.length, 0);
      assert.ok(finding);
      assert.match(finding.message, /\(db\.update\(brokerAssets\) and db\.insert\(brokerAssets\), once per `asset`\)/);
      assert.equal(span(finding.loc), '231:4-245:5');
      assert.equal(finding.related?.length, 2);
      // Exclusive arms alone (no loop) are one write: the loop is what makes them many.
      const once = calls.map((c) => ({ ...c, loop: undefined }));
      assert.deepEqual(runRule(rule, { codeFiles: [codeFile(once)] }), []);
    });

    it('writes per element of Promise.all(xs.map(…)) with a write before: a wrapper around both', () => {
      const host = fn('importUser', 1, 9);
      const cb = fn('<anonymous>', 6, 6);
      const map = { kind: 'map' as const, loc: loc(6, 20, 110), variable: 'total' };
      const calls = [
        prisma('user.create', { line: 5, fn: host }),
        prisma('order.create', { line: 6, fn: cb, loop: map, host: { name: 'importUser', functionLoc: host.functionLoc } }),
      ];
      const [finding] = runRule(rule, { codeFiles: [codeFile(calls)] });
      assert.ok(finding);
      assert.match(finding.message, /prisma\.order\.create once per `total`/);
      const intent = finding.fixes?.[0]?.intent;
      assert.equal(intent?.kind, 'wrapInTransaction');
      if (intent?.kind === 'wrapInTransaction') assert.deepEqual(intent.enclose, [map.loc]);
    });

    it('promises of a map kept in a variable and awaited later (const ps = xs.map(…); await Promise.all(ps)): repeated writes, and the wrapper holds the Promise.all', () => {
      const text = [
        "import { PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        'export async function placeOrder(items: { sku: string }[]) {',
        '  const order = await prisma.order.create({ data: {} });',
        '  const lines = items.map((i) => prisma.orderLine.create({ data: { orderId: order.id, sku: i.sku } }));',
        '  await Promise.all(lines);',
        '  return order;',
        '}',
        'export async function notify(ids: string[]) {',
        '  await prisma.batch.create({ data: {} });',
        '  const sent = ids.map(async (id) => { await prisma.notice.create({ data: { id } }); });',
        '  await Promise.allSettled(sent);',
        '}',
      ].join('\n');
      const { file, reader } = analyzeText(text);
      const found = runRule(rule, { codeFiles: [file] });
      // allSettled hands each failure to the code, as a per-element catch does: in notify the writes do not repeat,
      // two writes remain (as with Promise.allSettled(ids.map(…)) written in one piece).
      assert.deepEqual(found.map((f) => f.loc.range.start.line), [3, 9]);
      assert.match(found[0]!.message, /prisma\.orderLine\.create once per `i`/);
      assert.match(found[1]!.message, /^2 writes in `notify` are not in one transaction \(prisma\.batch\.create, prisma\.notice\.create \(in a loop\)\)/);
      const edits = codeFrontEnd.writeFix(found[0]!.fixes![0]!.intent, reader);
      const fixed = applyCodeEdits(text, edits![0]!.edits);
      assert.equal(syntaxErrorsIn('/virtual/app.ts', fixed), 0);
      assert.match(fixed, /await prisma\.\$transaction\(async \(tx\) => \{\n {4}const order = await tx\.order\.create\(\{ data: \{\} \}\);\n {4}const lines = items\.map\(\(i\) => tx\.orderLine\.create\([^\n]*\n {4}await Promise\.all\(lines\);\n/);
      assert.deepEqual(runRule(rule, { codeFiles: [analyzeText(fixed).file] }).filter((f) => f.message.includes('placeOrder')), []);
    });

    it('a helper that takes the transaction client runs in its caller\'s transaction: its writes are not reported', () => {
      const text = [
        "import { PrismaClient, Prisma } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        'export async function moveAll(tx: Prisma.TransactionClient, from: string, to: string) {',
        '  await tx.item.updateMany({ where: { folderId: from }, data: { folderId: to } });',
        '  await tx.folder.delete({ where: { id: from } });',
        '}',
        'export async function merge(from: string, to: string) {',
        '  await prisma.$transaction((tx) => moveAll(tx, from, to));',
        '}',
        'export async function careless(from: string) {',
        '  await prisma.item.deleteMany({ where: { folderId: from } });',
        '  await prisma.folder.delete({ where: { id: from } });',
        '}',
      ].join('\n');
      const found = runRule(rule, { codeFiles: [analyzeText(text).file] });
      assert.deepEqual(found.map((f) => f.loc.range.start.line), [10], 'only the function writing through the client itself');
      assert.match(found[0]!.message, /`careless`/);
    });

    it('writes in the two arms of an if never run together: the message says how many can', () => {
      const text = [
        "import { PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        'export async function settle(id: string, paid: boolean) {',
        '  await prisma.invoice.update({ where: { id }, data: { closed: true } });',
        '  if (paid) {',
        '    await prisma.payment.create({ data: { invoiceId: id } });',
        '  } else {',
        '    await prisma.reminder.create({ data: { invoiceId: id } });',
        '  }',
        '}',
      ].join('\n');
      const [finding, ...rest] = runRule(rule, { codeFiles: [analyzeText(text).file] });
      assert.equal(rest.length, 0);
      assert.match(finding!.message, /^Up to 2 of the 3 writes in `settle` run together and are not in one transaction \(prisma\.invoice\.update, prisma\.payment\.create, prisma\.reminder\.create\)/);
    });

    it('writes per element through a driver without interactive transactions: reported, no wrapper', () => {
      const f = fn('seedWatchlist', 1, 6);
      const loop = { kind: 'for-of' as const, loc: loc(2, 2, 3, 4), variable: 'symbol' };
      const [finding] = runRule(rule, { codeFiles: [codeFile([drizzle('insert', 'watchlist', { line: 3, fn: f, loop, driver: 'drizzle-orm/neon-http' })])] });
      assert.ok(finding);
      assert.deepEqual(finding.fixes, []);
    });

    it('a write and a workspace function that writes: no fix, says to pass the client', () => {
      const file = codeFile([prisma('content.create', { line: 3, fn: register })], {
        writingCalls: [writingCall('logAudit', { line: 4, fn: register })],
      });
      const [finding] = runRule(rule, { codeFiles: [file] });
      assert.ok(finding);
      assert.match(finding.message, /prisma\.content\.create, logAudit\(\) \(writes\)/);
      assert.match(finding.message, /pass its client to logAudit\(\)/);
      assert.deepEqual(finding.fixes, []);
    });

    it('a write after a transaction: no fix, says to move it in', () => {
      const t = transaction(2, 6);
      const cb = fn('<anonymous>', 2, 6);
      const calls = [
        prisma('tx.user.create', { line: 3, fn: cb, transaction: t }),
        prisma('tx.account.create', { line: 4, fn: cb, transaction: t }),
        prisma('auditLog.create', { line: 8, fn: register }),
      ];
      const [finding, ...rest] = runRule(rule, { codeFiles: [codeFile(calls, { transactions: [t] })] });
      assert.equal(rest.length, 0);
      assert.ok(finding);
      assert.match(finding.message, /^2 writes in `registerUser`/);
      assert.match(finding.message, /the \$transaction at line 3, prisma\.auditLog\.create/);
      assert.match(finding.message, /Move the other writes into the transaction/);
      assert.equal(span(finding.loc), '2:8-8:52');
      assert.deepEqual(finding.fixes, []);
    });

    it('two transactions in a function that writes nothing else', () => {
      const t1 = transaction(2, 5);
      const t2 = transaction(6, 9);
      const calls = [
        prisma('user.findUnique', { line: 1, fn: register }),
        prisma('tx.user.update', { line: 3, fn: fn('<callback>', 2, 5), transaction: t1 }),
        prisma('tx.audit.create', { line: 7, fn: fn('<callback>', 6, 9), transaction: t2 }),
      ];
      const [finding, ...rest] = runRule(rule, { codeFiles: [codeFile(calls, { transactions: [t1, t2] })] });
      assert.equal(rest.length, 0);
      assert.ok(finding);
      assert.match(finding.message, /^2 writes in `registerUser` are not in one transaction \(the \$transaction at line 3, the \$transaction at line 7\)/);
    });

    it('mixed clients: no fix', () => {
      const calls = [prisma('user.create', { line: 3, fn: register }), prisma('account.create', { line: 4, fn: register, client: 'this.prisma' })];
      const [finding] = runRule(rule, { codeFiles: [codeFile(calls)] });
      assert.ok(finding);
      assert.deepEqual(finding.fixes, []);
    });

    it('top-level writes', () => {
      const top = fn('<module>', 0, 30);
      const calls = [prisma('user.deleteMany', { line: 3, fn: top, argKeys: [] }), prisma('user.createMany', { line: 4, fn: top })];
      const [finding] = runRule(rule, { codeFiles: [codeFile(calls)] });
      assert.ok(finding);
      assert.match(finding.message, /^2 writes at the top level of this module/);
    });
  });

  describe('on real code (code front-end)', () => {
    it('learning platform: registration and publish+audit, nothing on transactions, if/else, early return, data-building loops', () => {
      const project = analyzeProject('learning');
      const found = findingsIn(rule, project);
      const actions = 'src/lib/actions/enrollment.ts';
      assert.deepEqual(found.map((f) => f.where), [
        `${actions}:${project.lineOf(actions, 'prisma.course.update') + 1}`,
        `${actions}:${project.lineOf(actions, 'prisma.$transaction', 2) + 1}`,
        `src/lib/auth-server.ts:${project.lineOf('src/lib/auth-server.ts', 'prisma.user.create') + 1}`,
      ]);
      const [publish, enrollAndNotify, register] = found.map((f) => f.finding);
      assert.match(enrollAndNotify!.message, /^2 writes in `enrollAndNotify`.*\(the \$transaction at line \d+, prisma\.notification\.create\).*Move the other writes into the transaction/);
      assert.deepEqual(enrollAndNotify!.fixes, []);
      assert.match(publish!.message, /^2 writes in `publishCourse`.*pass its client to logAudit\(\)/);
      assert.deepEqual(publish!.fixes, []);
      assert.match(register!.message, /^3 writes in `registerUser`/);
      assert.equal(register!.loc.range.end.line, project.lineOf('src/lib/auth-server.ts', 'prisma.session.create'));
      assert.equal(
        register!.fixes?.[0]?.title,
        'Wrap these 3 writes in prisma.$transaction(async (tx) => …) (holds the transaction open across await sendWelcomeEmail(…))',
      );
    });
    it('precision cases: switch, ?:, throw-then-write, else-if, handlers are clean; a write per element, two ifs, Promise.all, this.prisma are not', () => {
      const project = analyzeProject('precision');
      const file = 'src/cases.ts';
      assert.deepEqual(findingsIn(rule, project).map((f) => f.where), [
        `${file}:${project.lineOf(file, 'for (const title of titles) {') + 1}`,
        `${file}:${project.lineOf(file, 'await prisma.content.update({ where: { id }, data: { title } });', 2) + 1}`,
        `${file}:${project.lineOf(file, 'await Promise.all([') + 1}`,
        `${file}:${project.lineOf(file, 'await this.prisma.content.update') + 1}`,
      ]);
    });
    it('trading journal (Drizzle): delete all positions, then insert', () => {
      const project = analyzeProject('trading');
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => f.where), [`server/storage.ts:${project.lineOf('server/storage.ts', 'await db.delete(positions).where') + 1}`]);
      assert.equal(found[0]!.finding.fixes?.[0]?.title, 'Wrap these 2 writes in db.transaction(async (tx) => …)');
    });
  });

  describe('a function whose only database call is its transaction (seed 003)', () => {
    it('a seed script: main() writes in one $transaction and runs at the top level; nothing to report', () => {
      const project = analyzeProject('shop');
      assert.deepEqual(findingsIn(rule, project).filter((f) => f.where.startsWith('prisma/seed.ts')).map((f) => f.where), []);
      const [scope] = project.codeFile('prisma/seed.ts').transactions;
      assert.equal(scope?.host?.name, 'main');
    });
  });

  describe('writes made for each element of a list, awaited together (seed 003)', () => {
    it('Promise.all(xs.map(…)) writes belong to the function that awaits them and repeat per element; the wrapper holds the Promise.all', () => {
      const project = analyzeProject('shop');
      const file = 'src/services/imports.ts';
      const found = findingsIn(rule, project).filter((f) => f.where.startsWith(file));
      assert.deepEqual(found.map((f) => f.where), [
        `${file}:${project.lineOf(file, 'await Promise.all(ids.map(') + 1}`,
        `${file}:${project.lineOf(file, 'const user = await prisma.user.create') + 1}`,
      ]);
      const [reopenAll, importUser] = found.map((f) => f.finding);
      assert.match(importUser!.message, /^Writes in `importUser` are not in one transaction, and some repeat per element \(prisma\.user\.create, prisma\.order\.create once per `total`\)/);
      assert.match(reopenAll!.message, /^The writes in `reopenAll` repeat per element .*\(prisma\.order\.update, once per `id`\)/);
      const [, mapped] = project.codeFile(file).calls;
      assert.equal(mapped?.host?.name, 'importUser');
      for (const finding of [importUser!, reopenAll!]) {
        const applied = applyFix(project, 'shop', finding.fixes![0]!.intent);
        assert.ok(applied);
        const text = applied.texts[`${project.root}/${file}`]!;
        assert.deepEqual(syntaxErrors(file, text), []);
        assert.deepEqual(findingsIn(rule, applied.project).filter((f) => f.where.startsWith(file)).length, 1, 'one of the two is fixed');
      }
      const fixed = applyFix(project, 'shop', importUser!.fixes![0]!.intent)!.texts[`${project.root}/${file}`]!;
      assert.match(
        fixed,
        /const user = await prisma\.\$transaction\(async \(tx\) => \{\n\s+const user = await tx\.user\.create\(\{ data: \{ email \} \}\);\n\s+await Promise\.all\(totals\.map\(\(total\) => tx\.order\.create\(/,
      );
    });
  });

  describe('writes repeated per element, on real code (seeds 002 and 003)', () => {
    /** Every non-blank line of `before` is in `after`, as it was or with the client turned into `tx`. */
    const keepsEveryLine = (before: string, after: string, client: string) => {
      const lines = new Set(after.split('\n').map((l) => l.trim()));
      const clientRef = new RegExp(`\\b${client}\\b(?=\\.|$)`, 'g');
      for (const line of before.split('\n').map((l) => l.trim()).filter(Boolean)) {
        assert.ok(lines.has(line) || lines.has(line.replace(clientRef, 'tx')), `line kept: ${line}`);
      }
    };

    it('seed 003: the seed script creates a user, modules, goals and a progress row per goal; one transaction around all of it', () => {
      const project = analyzeProject('goal-tracker');
      const file = 'prisma/seed.ts';
      const found = findingsIn(rule, project).filter((f) => f.where.startsWith(file));
      assert.deepEqual(found.map((f) => f.where), [`${file}:${project.lineOf(file, 'const user = await prisma.user.create') + 1}`]);
      const finding = found[0]!.finding;
      assert.match(finding.message, /prisma\.goal\.create, prisma\.progress\.create once per `goal`\)/);
      assert.equal(finding.loc.range.end.line, project.lineOf(file, '  );'), 'through the end of `await Promise.all(goals.map(…))`');
      const applied = applyFix(project, 'goal-tracker', finding.fixes![0]!.intent);
      assert.ok(applied);
      const before = project.reader.read(`${project.root}/${file}`)!;
      const text = applied.texts[`${project.root}/${file}`]!;
      assert.deepEqual(syntaxErrors(file, text), []);
      keepsEveryLine(before, text, 'prisma');
      assert.match(text, /\n {2}await prisma\.\$transaction\(async \(tx\) => \{\n {4}const user = await tx\.user\.create\(/);
      assert.match(text, /goals\.map\(\(goal\) =>\n\s+tx\.progress\.create\(/, 'the write in the callback goes through tx');
      assert.match(text, /\n {4}\);\n {2}\}\);\n\n {2}console\.log\('✅/, 'the wrapper closes after the Promise.all statement');
      assert.deepEqual(findingsIn(rule, applied.project).filter((f) => f.where.startsWith(file)), [], 'nothing left, not even at the top level');
    });

    it('seed 003 services: per-element writes reported and wrapped; a search-and-break, per-element catch, transaction, $transaction([...]) and while loop are not', () => {
      const project = analyzeProject('goal-tracker');
      const file = 'lib/services/progress.ts';
      const found = findingsIn(rule, project).filter((f) => f.where.startsWith(file));
      assert.deepEqual(found.map((f) => f.where), [
        `${file}:${project.lineOf(file, 'for (const goalId of goalIds) {') + 1}`,
        `${file}:${project.lineOf(file, 'goalIds.map(async (goalId) => {') + 1}`,
        `${file}:${project.lineOf(file, 'data: { currentLevel: 1 }') + 1}`,
      ]);
      const [complete, daily, start] = found.map((f) => f.finding);
      assert.match(complete!.message, /\(prisma\.progress\.create once per `goalId`, prisma\.user\.update\)/);
      assert.match(daily!.message, /^The writes in `logDailyProgress` repeat per element/);
      assert.match(start!.message, /^2 writes in `startGoals`/);
      assert.deepEqual(start!.fixes, [], 'a forEach callback in the range would run after the commit');
      const before = project.reader.read(`${project.root}/${file}`)!;
      for (const finding of [complete!, daily!]) {
        const applied = applyFix(project, 'goal-tracker', finding.fixes![0]!.intent);
        assert.ok(applied);
        const text = applied.texts[`${project.root}/${file}`]!;
        assert.deepEqual(syntaxErrors(file, text), []);
        keepsEveryLine(before, text, 'prisma');
        assert.equal(findingsIn(rule, applied.project).filter((f) => f.where.startsWith(file)).length, 2);
      }
      const text = applyFix(project, 'goal-tracker', complete!.fixes![0]!.intent)!.texts[`${project.root}/${file}`]!;
      assert.match(text, /await prisma\.\$transaction\(async \(tx\) => \{\n\s+for \(const goalId of goalIds\) \{\n\s+const goal = await tx\.goal\.findUnique/);
      assert.match(text, /\n\s+await tx\.user\.update\([^\n]+\n {2}\}\);\n\}/);
      const facts = project.codeFile(file);
      const search = facts.calls.find((c) => c.enclosingFunction === 'raiseFirstOverdue');
      assert.equal(search?.loop?.once, true);
      assert.equal(facts.calls.find((c) => c.enclosingFunction === 'archiveGoals')?.loop?.once, undefined);
    });

    it('seed 002: bulkUpsertBrokerAssets (select, then update or insert, per asset) is reported and wrapped whole; the transaction fixes it', () => {
      const project = analyzeProject('broker-sync');
      const file = 'server/storage.ts';
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => f.where), [
        `${file}:${project.lineOf(file, 'for (const asset of assets) {') + 1}`,
        `${file}:${project.lineOf(file, "for (const [position, symbol] of ['AAPL', 'MSFT'].entries()) {") + 1}`,
      ]);
      const [bulk, literal] = found.map((f) => f.finding);
      assert.equal(
        bulk!.message,
        'The writes in `bulkUpsertBrokerAssets` repeat per element and are not in one transaction ' +
          '(db.update(brokerAssets) and db.insert(brokerAssets), once per `asset`): ' +
          "if a later iteration fails, the earlier iterations' writes stay committed and the data is left half-written.",
      );
      assert.equal(bulk!.loc.range.end.line, project.lineOf(file, '      count++;') + 1, 'through the end of the loop');
      assert.match(literal!.message, /\(db\.insert\(watchlist\), once per iteration of the loop at line \d+\)/);
      const applied = applyFix(project, 'broker-sync', bulk!.fixes![0]!.intent);
      assert.ok(applied);
      const before = project.reader.read(`${project.root}/${file}`)!;
      const text = applied.texts[`${project.root}/${file}`]!;
      assert.deepEqual(syntaxErrors(file, text), []);
      keepsEveryLine(before, text, 'db');
      assert.match(text, /let count = 0;\n {4}await db\.transaction\(async \(tx\) => \{\n {6}for \(const asset of assets\) \{\n {8}const existing = await tx\n/);
      assert.match(text, /\n {8}count\+\+;\n {6}\}\n {4}\}\);\n {4}return count;/);
      assert.deepEqual(findingsIn(rule, applied.project).map((f) => f.where), [
        `${file}:${applied.project.lineOf(file, "for (const [position, symbol] of ['AAPL', 'MSFT'].entries()) {") + 1}`,
      ]);
    });
  });

  describe('batches and drivers (exploratory test, bugs 4 and 5)', () => {
    it('Prisma: writes collected in a list (literal, pushed in a loop, a variable in the array) and run by $transaction(ops) are one transaction', () => {
      const project = analyzeProject('shop');
      const file = 'src/services/batches.ts';
      const found = findingsIn(rule, project).filter((f) => f.where.startsWith(file));
      assert.deepEqual(found.map((f) => f.where), [
        `${file}:${project.lineOf(file, 'const cancelled = prisma.order.updateMany') + 1}`,
        `${file}:${project.lineOf(file, 'await prisma.order.update({ where: { id: orderId }, data: { userId } })') + 1}`,
        `${file}:${project.lineOf(file, "await prisma.order.update({ where: { id: orderId }, data: { status: 'open' } })") + 1}`,
      ]);
      const facts = project.codeFile(file);
      const batched = facts.calls.filter((c) => c.enclosingFunction === 'placeOrder' || c.enclosingFunction === 'closeAccounts' || c.enclosingFunction === 'renameAndLog');
      assert.equal(batched.length, 6);
      for (const c of batched) assert.equal(c.transaction?.form, 'array', `${c.enclosingFunction}: ${c.model}.${c.operation}`);
    });

    it('writes kept in variables and awaited later (Promise.all): still reported, but no wrapper that would return lazy promises out of the transaction', () => {
      const project = analyzeProject('shop');
      const file = 'src/services/batches.ts';
      const [cancel, reassign, reopen] = findingsIn(rule, project).filter((f) => f.where.startsWith(file)).map((f) => f.finding);
      assert.match(cancel!.message, /^2 writes in `cancelOrders` are not in one transaction/);
      assert.deepEqual(cancel!.fixes, []);
      assert.equal(reassign!.fixes?.[0]?.title, 'Wrap these 2 writes in prisma.$transaction(async (tx) => …)');
      assert.equal(reopen!.fixes?.[0]?.title, 'Wrap these 2 writes in prisma.$transaction(async (tx) => …)', 'a returned write is settled inside the callback');
      const blog = analyzeProject('blog');
      const [concurrent, ...rest] = findingsIn(rule, blog);
      assert.equal(rest.length, 0);
      assert.equal(concurrent!.where, `src/services/posts.ts:${blog.lineOf('src/services/posts.ts', 'const removeLikes = db.delete(likes)') + 1}`);
      assert.deepEqual(concurrent!.finding.fixes, []);
    });

    it('writes not awaited where they are made get no wrapper (table test)', () => {
      const f = fn('cancelOrders', 1, 6);
      const calls = [prisma('order.updateMany', { line: 2, fn: f, awaited: false }), prisma('user.update', { line: 3, fn: f, awaited: false })];
      const [finding] = runRule(rule, { codeFiles: [codeFile(calls)] });
      assert.ok(finding);
      assert.deepEqual(finding.fixes, []);
    });

    it('Drizzle neon-http: builders kept in variables and run by db.batch([q1, q2]) (or with a spread list) are one transaction', () => {
      const project = analyzeProject('edge-blog');
      const file = 'src/services/posts.ts';
      assert.deepEqual(findingsIn(rule, project).map((f) => f.where), [`${file}:${project.lineOf(file, 'await db.delete(likes).where(eq(likes.postId, id));') + 1}`]);
      const facts = project.codeFile(file);
      for (const c of facts.calls.filter((x) => x.enclosingFunction.startsWith('removePostInOneBatch') || x.enclosingFunction.startsWith('removePostsInOneBatch'))) {
        assert.equal(c.transaction?.form, 'array', `${c.enclosingFunction}: ${c.operation}(${c.model})`);
      }
    });

    it('Drizzle neon-http client: no db.transaction wrapper (it throws); the message points to db.batch', () => {
      const project = analyzeProject('edge-blog');
      const [found] = findingsIn(rule, project);
      assert.ok(found);
      assert.match(found.finding.message, /^2 writes in `removePost` are not in one transaction/);
      assert.match(found.finding.message, /drizzle-orm\/neon-http has no interactive transactions \(`db\.transaction\(\)` throws\)/);
      assert.match(found.finding.message, /`db\.batch\(\[\.\.\.\]\)`/);
      assert.deepEqual(found.finding.fixes, []);
      assert.equal(project.codeFile('src/services/posts.ts').calls[0]!.driver, 'drizzle-orm/neon-http');
    });

    it('Drizzle D1 (a parameter typed DrizzleD1Database): no wrapper; D1 rejects BEGIN, use db.batch', () => {
      const project = analyzeProject('worker');
      const [found, ...rest] = findingsIn(rule, project);
      assert.equal(rest.length, 0);
      assert.ok(found);
      assert.match(found.finding.message, /^2 writes in `closeAccount`/);
      assert.match(found.finding.message, /D1 \(drizzle-orm\/d1\) has no interactive transactions/);
      assert.match(found.finding.message, /`db\.batch\(\[\.\.\.\]\)`/);
      assert.deepEqual(found.finding.fixes, []);
    });

    it('every driver without interactive transactions (table test); other drivers keep the wrapper', () => {
      const f = fn('removePost', 1, 6);
      const twoWrites = (driver: string | undefined) => [
        drizzle('delete', 'likes', { line: 2, fn: f, chain: ['where'], ...(driver ? { driver } : {}) }),
        drizzle('delete', 'posts', { line: 3, fn: f, chain: ['where'], ...(driver ? { driver } : {}) }),
      ];
      for (const driver of ['drizzle-orm/neon-http', 'drizzle-orm/xata-http', 'drizzle-orm/d1']) {
        const [finding] = runRule(rule, { codeFiles: [codeFile(twoWrites(driver))] });
        assert.ok(finding, driver);
        assert.deepEqual(finding.fixes, [], driver);
        assert.match(finding.message, /has no interactive transactions/, driver);
      }
      // SQLite drivers whose transaction() is synchronous: no async wrapper, the message says how to write it.
      for (const driver of ['drizzle-orm/better-sqlite3', 'drizzle-orm/bun-sqlite', 'drizzle-orm/sql-js', 'drizzle-orm/expo-sqlite', 'drizzle-orm/op-sqlite', 'drizzle-orm/durable-sqlite']) {
        const [finding] = runRule(rule, { codeFiles: [codeFile(twoWrites(driver))] });
        assert.ok(finding, driver);
        assert.deepEqual(finding.fixes, [], driver);
        assert.match(finding.message, /runs `db\.transaction\(\)` synchronously: put the writes in `db\.transaction\(\(tx\) => \{ tx\.insert\(…\)\.values\(…\)\.run\(\); … \}\)` with no `await` inside/, driver);
      }
      const [sqlite] = runRule(rule, { codeFiles: [codeFile(twoWrites('drizzle-orm/better-sqlite3'))] });
      assert.match(sqlite!.message, / better-sqlite3 runs .*\(an async callback throws\)\.$/);
      const [xata] = runRule(rule, { codeFiles: [codeFile(twoWrites('drizzle-orm/xata-http'))] });
      assert.match(xata!.message, /no `db\.batch` either/);
      for (const driver of [undefined, 'drizzle-orm/node-postgres', 'drizzle-orm/neon-serverless', 'drizzle-orm/libsql']) {
        const [finding] = runRule(rule, { codeFiles: [codeFile(twoWrites(driver))] });
        assert.equal(finding?.fixes?.[0]?.title, 'Wrap these 2 writes in db.transaction(async (tx) => …)', String(driver));
        assert.doesNotMatch(finding!.message, /interactive/);
      }
    });
  });

  describe('fix check', () => {
    it('Prisma: a function that returns its last write becomes `return await prisma.$transaction(…)`; the finding is gone', () => {
      const project = analyzeProject('shop');
      const file = 'src/services/batches.ts';
      const found = findingsIn(rule, project).find((f) => f.finding.message.includes('`reopen`'));
      const applied = applyFix(project, 'shop', found!.finding.fixes![0]!.intent);
      assert.ok(applied);
      const text = applied.texts[`${project.root}/${file}`]!;
      assert.deepEqual(syntaxErrors(file, text), []);
      assert.match(text, /return await prisma\.\$transaction\(async \(tx\) => \{\n\s+await tx\.order\.update\([^\n]+\n\s+return tx\.user\.update\(/);
      assert.ok(!findingsIn(rule, applied.project).some((f) => f.finding.message.includes('`reopen`')));
    });
    it('the writer refuses writes kept in variables (their lazy promises would leave the transaction)', () => {
      const project = analyzeProject('shop');
      const facts = project.codeFile('src/services/batches.ts');
      const calls = facts.calls.filter((c) => c.enclosingFunction === 'cancelOrders');
      assert.equal(calls.length, 2);
      assert.ok(calls.every((c) => !c.awaited && !c.returned));
      assert.equal(applyFix(project, 'shop', { kind: 'wrapInTransaction', file: facts, calls, transactionClient: 'tx' }), undefined);
    });
    it('Prisma: wraps registerUser in prisma.$transaction, uses tx, keeps user/session in scope; the finding is gone', (t) => {
      const project = analyzeProject('learning');
      const file = 'src/lib/auth-server.ts';
      const found = findingsIn(rule, project).find((f) => f.where === `${file}:${project.lineOf(file, 'prisma.user.create') + 1}`);
      assert.ok(found, 'the finding to fix');
      const fix = found.finding.fixes?.[0];
      assert.equal(fix?.intent.kind, 'wrapInTransaction');
      const applied = applyFix(project, 'learning', fix!.intent);
      if (!applied) return t.skip('the code front-end writes no text for wrapInTransaction yet');
      const text = applied.texts[`${project.root}/${file}`]!;
      assert.deepEqual(syntaxErrors(file, text), []);
      assert.match(text, /await prisma\.\$transaction\(async \(tx\) => \{/);
      assert.match(text, /await tx\.user\.create\(/);
      assert.match(text, /await tx\.session\.create\(/);
      assert.match(text, /return \{ user, session \};\n\}/);
      const actions = 'src/lib/actions/enrollment.ts';
      assert.deepEqual(findingsIn(rule, applied.project).map((f) => f.where), [
        `${actions}:${project.lineOf(actions, 'prisma.course.update') + 1}`,
        `${actions}:${project.lineOf(actions, 'prisma.$transaction', 2) + 1}`,
      ]);
    });
    it('Drizzle: wraps delete + insert in db.transaction; the finding is gone', (t) => {
      const project = analyzeProject('trading');
      const [found] = findingsIn(rule, project);
      const applied = applyFix(project, 'trading', found!.finding.fixes![0]!.intent);
      if (!applied) return t.skip('the code front-end writes no text for wrapInTransaction yet');
      const text = applied.texts[`${project.root}/server/storage.ts`]!;
      assert.deepEqual(syntaxErrors('storage.ts', text), []);
      assert.match(text, /await db\.transaction\(async \(tx\) => \{\n\s+await tx\.delete\(positions\)/);
      assert.deepEqual(findingsIn(rule, applied.project), []);
    });
  });

  it('never throws on half-typed code (src/lib/auth-server.ts cut short)', () => {
    for (const project of analyzeCuts('learning', 'src/lib/auth-server.ts')) assert.doesNotThrow(() => runRule(rule, project));
  });
});

describe('multi-write-without-transaction: transactions on paths that exclude each other (real-world audit)', () => {
  const text = [
    "import { PrismaClient } from '@prisma/client';",
    'const prisma = new PrismaClient();',
    'export async function login(id: string, ok: boolean) {',
    '  if (!ok) {',
    '    await prisma.$transaction(async (tx) => {',
    '      await tx.user.update({ where: { id }, data: { failedLogins: { increment: 1 } } });',
    '    });',
    "    throw new Error('Invalid credentials');",
    '  }',
    '  await prisma.$transaction(async (tx) => {',
    '    await tx.user.update({ where: { id }, data: { failedLogins: 0 } });',
    '  });',
    '}',
    'export async function lockOut(id: string, failed: number) {',
    '  if (failed > 0) {',
    '    await prisma.$transaction(async (tx) => {',
    '      await tx.user.update({ where: { id }, data: { failedLogins: failed } });',
    '    });',
    '  } else {',
    '    await prisma.$transaction(async (tx) => {',
    "      await tx.user.update({ where: { id }, data: { active: 'Locked' } });",
    '    });',
    '  }',
    '}',
  ].join('\n');

  it('a transaction in an arm that throws and one after it never run together', () => {
    const found = runRule(rule, { codeFiles: [analyzeText(text).file] });
    assert.deepEqual(found.map((f) => f.message.slice(0, 40)), []);
  });

  it('still reports two transactions that run one after the other in the same arm', () => {
    const both = text.replace("    throw new Error('Invalid credentials');\n  }", '  }');
    const [finding, ...rest] = runRule(rule, { codeFiles: [analyzeText(both).file] });
    assert.equal(rest.length, 0);
    assert.ok(finding);
    assert.match(finding.message, /^2 writes in `login`/);
  });
});
