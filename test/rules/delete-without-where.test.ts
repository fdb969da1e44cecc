import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DbCall } from '../../rules/model';
import { deleteWithoutWhere as rule } from '../../rules/queries/delete-without-where';
import { codeFile, drizzle, fn, prisma, runRule, span, analyzeProject, findingsIn, analyzeCuts } from '../helpers/code-model';

const f = fn('resetPositions', 1, 30);

describe('delete-without-where', () => {
  describe('valid', () => {
    const cases: Record<string, DbCall[]> = {
      'deleteMany with where': [prisma('position.deleteMany', { line: 3, fn: f, argKeys: ['where'] })],
      'updateMany with where': [prisma('position.updateMany', { line: 3, fn: f, argKeys: ['where', 'data'] })],
      'deleteMany(args): cannot tell': [prisma('position.deleteMany', { line: 3, fn: f })],
      'delete (one row, needs a unique where anyway)': [prisma('position.delete', { line: 3, fn: f, argKeys: [] })],
      'Drizzle delete with where': [drizzle('delete', 'positions', { line: 3, fn: f, chain: ['where', 'returning'] })],
      'Drizzle update with where': [drizzle('update', 'positions', { line: 3, fn: f, chain: ['set', 'where'] })],
      'Drizzle update still being typed (no set)': [drizzle('update', 'positions', { line: 3, fn: f, chain: [] })],
      'Drizzle chain unknown': [drizzle('delete', 'positions', { line: 3, fn: f })],
    };
    for (const [name, calls] of Object.entries(cases)) {
      it(name, () => assert.deepEqual(runRule(rule, { codeFiles: [codeFile(calls)] }), []));
    }
  });

  describe('invalid', () => {
    const cases: [string, DbCall, RegExp][] = [
      ['prisma deleteMany()', prisma('position.deleteMany', { line: 4, fn: f, argKeys: [] }), /^`prisma\.position\.deleteMany` has no where clause: it deletes every row of position\. Add a `where`, or suppress this line if emptying the table is intended\.$/],
      ['prisma updateMany({ data })', prisma('position.updateMany', { line: 4, fn: f, argKeys: ['data'] }), /it updates every row of position\. Add a `where`, or suppress this line if updating every row is intended\.$/],
      ['drizzle db.delete(positions)', drizzle('delete', 'positions', { line: 4, fn: f, chain: [] }), /^`db\.delete\(positions\)` has no where clause: it deletes every row of positions\. Add `\.where\(\.\.\.\)`, or suppress/],
      ['drizzle db.update(positions).set(...)', drizzle('update', 'positions', { line: 4, fn: f, chain: ['set', 'returning'] }), /it updates every row of positions/],
      ['prisma deleteMany({ where: {} })', prisma('position.deleteMany', { line: 4, fn: f, argKeys: ['where'], emptyWhere: true }), /^`prisma\.position\.deleteMany` has an empty `where` \(`where: \{\}`\): it deletes every row of position\. Put the filter in the `where`, or suppress/],
      ['prisma updateMany({ where: {}, data })', prisma('position.updateMany', { line: 4, fn: f, argKeys: ['where', 'data'], emptyWhere: true }), /has an empty `where`.*it updates every row of position/],
    ];
    for (const [name, call, message] of cases) {
      it(name, () => {
        const findings = runRule(rule, { codeFiles: [codeFile([call])] });
        assert.equal(findings.length, 1);
        assert.match(findings[0]!.message, message);
        assert.equal(span(findings[0]!.loc), '4:10-4:50');
        assert.equal(findings[0]!.fixes, undefined);
      });
    }
  });

  describe('on real code (code front-end)', () => {
    it('learning platform: notification.deleteMany()', () => {
      const project = analyzeProject('learning');
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => f.where), [`app/api/notifications/route.ts:${project.lineOf('app/api/notifications/route.ts', 'deleteMany()') + 1}`]);
      assert.match(found[0]!.finding.message, /deletes every row of Notification/);
    });
    it('shop: deleteMany({ where: {} }) and updateMany({ where: {}, data }) (exploratory test, bug 9)', () => {
      const project = analyzeProject('shop');
      const file = 'src/services/orders.ts';
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => f.where), [
        `${file}:${project.lineOf(file, 'deleteMany({ where: {} })') + 1}`,
        `${file}:${project.lineOf(file, 'updateMany({ where: {},') + 1}`,
      ]);
      assert.match(found[0]!.finding.message, /^`prisma\.order\.deleteMany` has an empty `where` \(`where: \{\}`\): it deletes every row of Order\./);
      const facts = project.codeFile(file).calls.filter((c) => c.emptyWhere);
      assert.deepEqual(facts.map((c) => c.operation), ['deleteMany', 'updateMany']);
    });
    it('trading journal: db.delete(positions) without where', () => {
      const project = analyzeProject('trading');
      assert.deepEqual(findingsIn(rule, project).map((f) => f.where), [`server/storage.ts:${project.lineOf('server/storage.ts', 'await db.delete(positions);') + 1}`]);
    });
  });

  it('never throws on half-typed code (server/storage.ts cut short)', () => {
    for (const project of analyzeCuts('trading', 'server/storage.ts')) assert.doesNotThrow(() => runRule(rule, project));
  });
});
