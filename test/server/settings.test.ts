import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSettings, parseConfigFile, settingsFromEditor, defaultSettings } from '../../server/src/settings';

const known = new Set(['missing-on-delete', 'unindexed-foreign-key']);

describe('settings and schema-review.json', () => {
  it('accepts a valid config and merges it over editor settings', () => {
    const { config, problems } = parseConfigFile('{ "rules": { "missing-on-delete": "error" }, "fixes": { "unsafe": true } }', known);
    assert.deepEqual(problems, []);
    const merged = mergeSettings(settingsFromEditor({ rules: { 'unindexed-foreign-key': 'off' } }), config);
    assert.deepEqual(merged.rules, { 'unindexed-foreign-key': 'off', 'missing-on-delete': 'error' });
    assert.equal(merged.fixesUnsafe, true);
  });

  it('reports invalid JSON with a position', () => {
    const { problems } = parseConfigFile('{\n  "rules": {,}\n}', known);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /not valid JSON/);
    assert.equal(problems[0].line, 1);
  });

  it('reports a bad severity, an unknown key and an unknown rule', () => {
    const bad = parseConfigFile('{ "rules": { "missing-on-delete": "loud" } }', known);
    assert.match(bad.problems[0].message, /rules\.missing-on-delete/);
    const extra = parseConfigFile('{ "colour": "red" }', known);
    assert.match(extra.problems[0].message, /colour|Unrecognized/);
    const unknown = parseConfigFile('{ "rules": { "no-such-rule": "off" } }', known);
    assert.match(unknown.problems[0].message, /unknown rule "no-such-rule"/);
  });

  it('ignores malformed editor settings instead of failing', () => {
    const s = settingsFromEditor({ rules: { a: 'nope', b: 'info' }, prisma: { validation: 42 }, audit: { include: ['x', 3] } });
    assert.deepEqual(s.rules, { b: 'info' });
    assert.equal(s.prismaValidation, defaultSettings.prismaValidation);
    assert.deepEqual(s.auditInclude, ['x']);
  });
});
