// Generates realistic, deterministic Prisma schemas (PostgreSQL) for the benchmarks.
//
//   import { generatePrismaSchema, SIZES } from './generate-prisma.mjs';
//   const { text, lines, models, editPoints } = generatePrismaSchema('calcom');
//
//   node bench/generate-prisma.mjs --check            validate every size with prisma-schema-wasm (self-test)
//   node bench/generate-prisma.mjs --out DIR [sizes…] write DIR/<size>/schema.prisma
//
// Schemas have scalar fields of every common type, enums, 1-n relations (some with onDelete, some indexed),
// a self-relation, implicit n-m relations, @@unique, @@map/@map, /// docs and // comments. Like real schemas,
// some foreign keys have no index and no onDelete, a few Strings hold JSON and a few Floats hold money, so the
// review has something to say. The datasource has no `url`: Prisma 7 rejects it, and Prisma's language server
// (and our default wasm) is Prisma 7.
//
// `editPoints` are positions where inserting one character keeps the schema valid: inside a `//` comment in a
// model, or at the end of a scalar field name that no attribute references.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Size presets: `models` is the model count; `lines` a target the generator grows the model count to reach. */
export const SIZES = {
  small: { seed: 11, lines: 55, fields: [3, 6] },
  calcom: { seed: 22, lines: 2000, fields: [5, 14] },
  '1k-models': { seed: 33, models: 1000, fields: [4, 10] },
  '5k-models': { seed: 44, models: 5000, fields: [4, 10] },
};

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOUNS = [
  'User', 'Account', 'Session', 'Team', 'Membership', 'Booking', 'EventType', 'Attendee', 'Payment', 'Webhook',
  'Schedule', 'Availability', 'Credential', 'Workflow', 'WorkflowStep', 'Reminder', 'ApiKey', 'Feature', 'Invoice',
  'Subscription', 'Plan', 'Coupon', 'Order', 'OrderItem', 'Product', 'Variant', 'Category', 'Tag', 'Review',
  'Comment', 'Post', 'Thread', 'Message', 'Channel', 'Notification', 'Device', 'Address', 'Organization', 'Project',
  'Task', 'Milestone', 'Label', 'Attachment', 'File', 'Folder', 'Document', 'Template', 'Report', 'Dashboard',
  'Widget', 'Metric', 'Alert', 'Incident', 'Deployment', 'Environment', 'Secret', 'Token', 'Invite', 'Role',
  'Permission', 'AuditLog', 'Event', 'Venue', 'Ticket', 'Seat', 'Course', 'Lesson', 'Enrollment', 'Quiz',
  'Question', 'Answer', 'Vote', 'Poll', 'Survey', 'Response', 'Campaign', 'Lead', 'Contact', 'Deal', 'Pipeline',
  'Stage', 'Note', 'Call', 'Meeting', 'Calendar', 'Destination', 'Routing', 'Form', 'Field', 'Integration',
  'Customer', 'Vendor', 'Shipment', 'Warehouse', 'Stock', 'Refund', 'Dispute', 'Payout', 'Wallet', 'Transfer',
];
const PREFIXES = [
  'Billing', 'Team', 'Org', 'Admin', 'Public', 'Internal', 'Legacy', 'Partner', 'Booking', 'Calendar', 'Sales',
  'Support', 'Content', 'Media', 'Market', 'Payment', 'Routing', 'Workflow', 'Insight', 'Platform', 'Store',
  'Catalog', 'Identity', 'Access', 'Growth', 'Trading', 'Learning', 'Social', 'Delivery', 'Fleet', 'Travel',
  'Health', 'Finance', 'Legal', 'Ops', 'Edge', 'Search', 'Sync', 'Import', 'Export',
];
const WORDS = [
  'title', 'name', 'slug', 'description', 'status', 'note', 'label', 'code', 'reference', 'summary', 'url',
  'locale', 'timezone', 'color', 'source', 'channel', 'externalId', 'priority', 'position', 'quantity', 'count',
  'score', 'weight', 'enabled', 'archived', 'hidden', 'verified', 'locked', 'startTime', 'endTime', 'expiresAt',
  'publishedAt', 'deletedAt', 'lastSeenAt', 'price', 'amount', 'balance', 'fee', 'currency', 'metadata',
  'settings', 'payload', 'email', 'phone', 'avatarUrl', 'version', 'length', 'duration', 'kind', 'region',
];
const ENUM_NAMES = ['Status', 'Kind', 'Role', 'Visibility', 'Frequency', 'Level', 'State', 'Channel', 'Plan', 'Priority'];
const ENUM_VALUES = [
  ['PENDING', 'ACCEPTED', 'REJECTED', 'CANCELLED'], ['DRAFT', 'PUBLISHED', 'ARCHIVED'], ['OWNER', 'ADMIN', 'MEMBER'],
  ['PUBLIC', 'PRIVATE', 'UNLISTED'], ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'], ['LOW', 'MEDIUM', 'HIGH', 'URGENT'],
  ['ACTIVE', 'PAUSED', 'DISABLED'], ['EMAIL', 'SMS', 'WEBHOOK', 'PUSH'], ['FREE', 'PRO', 'ENTERPRISE'],
];
const COMMENTS = [
  'kept in sync by the nightly job', 'set when the user confirms', 'legacy: remove after the v2 migration',
  'denormalised for the dashboard', 'see docs/billing.md', 'null until the first sync', 'in minutes',
  'cents, not dollars', 'ISO 4217', 'from the provider webhook', 'soft delete', 'used by the public API',
];

const lowerFirst = (s) => s[0].toLowerCase() + s.slice(1);
const snake = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const plural = (s) => (/(s|x|ch|sh)$/.test(s) ? `${s}es` : /[^aeiou]y$/.test(s) ? `${s.slice(0, -1)}ies` : `${s}s`);

function modelNames(count, rnd) {
  const names = [];
  const seen = new Set();
  for (const n of NOUNS) {
    if (names.length >= count) break;
    names.push(n);
    seen.add(n);
  }
  let round = 0;
  while (names.length < count) {
    const p = PREFIXES[Math.floor(rnd() * PREFIXES.length)];
    const n = NOUNS[Math.floor(rnd() * NOUNS.length)];
    let name = p + n;
    if (seen.has(name)) name = `${p}${n}${++round}`;
    if (seen.has(name)) continue;
    seen.add(name);
    names.push(name);
  }
  return names;
}

/** Builds the models as data, then prints them. */
function build(modelCount, seed, fieldRange) {
  const rnd = mulberry32(seed);
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  const chance = (p) => rnd() < p;
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));

  const names = modelNames(modelCount, rnd);
  const enumCount = Math.max(1, Math.min(ENUM_VALUES.length * 20, Math.round(modelCount / 6)));
  const enums = [];
  const enumNames = new Set(names);
  for (let i = 0; enums.length < enumCount && i < enumCount * 4; i++) {
    const base = `${i < NOUNS.length ? NOUNS[i % NOUNS.length] : pick(PREFIXES) + pick(NOUNS)}${pick(ENUM_NAMES)}`;
    if (enumNames.has(base)) continue;
    enumNames.add(base);
    enums.push({ name: base, values: pick(ENUM_VALUES) });
  }
  const models = names.map((name, i) => ({
    name,
    index: i,
    idType: chance(0.6) ? 'String' : 'Int',
    map: chance(0.25) ? plural(snake(name)) : undefined,
    doc: chance(0.3) ? `${name} ${pick(['as shown in the app', 'owned by a team or a user', 'one row per change', 'written by the API'])}.` : undefined,
    fields: [], // { name, line: string, comment?, editable?, referenced? }
    blockAttrs: [],
    used: new Set(['id']),
    pairs: new Set(),
  }));
  const byName = new Map(models.map((m) => [m.name, m]));
  const uniqueName = (m, base) => {
    let n = base;
    for (let k = 2; m.used.has(n); k++) n = `${base}${k}`;
    m.used.add(n);
    return n;
  };

  for (const m of models) {
    const n = int(fieldRange[0], fieldRange[1]);
    for (let k = 0; k < n; k++) {
      const w = pick(WORDS);
      if (m.used.has(w)) continue;
      m.used.add(w);
      let type;
      let attrs = '';
      let comment;
      if (['enabled', 'archived', 'hidden', 'verified', 'locked'].includes(w)) {
        type = 'Boolean';
        attrs = '@default(false)';
      } else if (/At$|Time$/.test(w)) type = chance(0.5) ? 'DateTime?' : 'DateTime';
      else if (['priority', 'position', 'quantity', 'count', 'version', 'length', 'duration'].includes(w)) {
        type = 'Int';
        if (chance(0.5)) attrs = '@default(0)';
        if (w === 'duration' && chance(0.5)) comment = 'in minutes';
      } else if (['price', 'amount', 'balance', 'fee'].includes(w)) {
        type = chance(0.3) ? 'Float' : 'Decimal';
        if (type === 'Decimal' && chance(0.5)) attrs = '@db.Decimal(12, 2)';
        if (chance(0.3)) comment = 'cents, not dollars';
      } else if (['score', 'weight'].includes(w)) type = 'Float';
      else if (['metadata', 'settings', 'payload'].includes(w)) {
        type = chance(0.7) ? 'Json?' : 'String?';
        if (type === 'String?') comment = 'JSON string';
      } else if (w === 'status' || w === 'kind') {
        if (chance(0.7)) {
          const e = pick(enums);
          type = e.name;
          attrs = `@default(${e.values[0]})`;
        } else {
          type = 'String';
          attrs = '@default("active")';
          comment = 'active | paused | archived';
        }
      } else if (w === 'slug' || w === 'externalId' || w === 'code') {
        type = 'String';
        if (chance(0.4)) attrs = '@unique';
      } else type = chance(0.3) ? 'String?' : 'String';
      if (!comment && chance(0.08)) comment = pick(COMMENTS);
      if (chance(0.05) && !attrs.includes('@unique')) attrs = `${attrs} @map("${snake(w)}")`.trim();
      m.fields.push({ name: w, type, attrs, comment, editable: !attrs.includes('@unique') });
    }
    m.fields.push({ name: 'createdAt', type: 'DateTime', attrs: '@default(now())' });
    if (chance(0.7)) m.fields.push({ name: 'updatedAt', type: 'DateTime', attrs: '@updatedAt' });
    m.used.add('createdAt').add('updatedAt');
  }

  // 1-n relations: each model points at 0..3 earlier models (a DAG like real apps: User, Team first).
  for (const m of models) {
    if (m.index === 0) continue;
    const count = m.index < 4 ? 1 : pick([0, 1, 1, 1, 2, 2, 2, 3]);
    for (let r = 0; r < count; r++) {
      // Prefer the first models (User, Account, Team…) like real schemas do.
      const target = models[chance(0.4) ? Math.floor(rnd() * Math.min(m.index, 8)) : Math.floor(rnd() * m.index)];
      const pair = [m.name, target.name].sort().join('|');
      if (m.pairs.has(pair) || target.pairs.has(pair) || target === m) continue;
      m.pairs.add(pair);
      target.pairs.add(pair);
      const optional = chance(0.3);
      const relName = uniqueName(m, lowerFirst(target.name.length > 12 && chance(0.5) ? target.name.replace(/^[A-Z][a-z]+/, '') || target.name : target.name));
      const fk = uniqueName(m, `${relName}Id`);
      const action = chance(0.55) ? pick(['Cascade', 'Cascade', 'Cascade', optional ? 'SetNull' : 'Restrict', 'Restrict']) : undefined;
      m.fields.push({ name: fk, type: `${target.idType}${optional ? '?' : ''}`, attrs: '', referenced: true });
      m.fields.push({
        name: relName,
        type: `${target.name}${optional ? '?' : ''}`,
        attrs: `@relation(fields: [${fk}], references: [id]${action ? `, onDelete: ${action}` : ''})`,
        relation: true,
      });
      target.fields.push({ name: uniqueName(target, plural(lowerFirst(m.name))), type: `${m.name}[]`, attrs: '', relation: true });
      if (chance(0.6)) m.blockAttrs.push(`@@index([${fk}])`);
      else if (chance(0.2)) {
        const other = m.fields.find((f) => f.type === 'DateTime' && f.name !== fk);
        if (other) {
          other.referenced = true;
          other.editable = false;
          m.blockAttrs.push(`@@index([${fk}, ${other.name}])`);
        }
      }
    }
  }
  // A self-relation (tree) on a few models.
  for (const m of models) {
    if (!chance(0.04)) continue;
    const fk = uniqueName(m, 'parentId');
    const rel = uniqueName(m, 'parent');
    const kids = uniqueName(m, 'children');
    const name = `${m.name}Tree`;
    m.fields.push({ name: fk, type: `${m.idType}?`, attrs: '', referenced: true });
    m.fields.push({ name: rel, type: `${m.name}?`, attrs: `@relation("${name}", fields: [${fk}], references: [id], onDelete: SetNull)`, relation: true });
    m.fields.push({ name: kids, type: `${m.name}[]`, attrs: `@relation("${name}")`, relation: true });
    m.blockAttrs.push(`@@index([${fk}])`);
  }
  // Implicit n-m relations (tags, members…).
  for (const m of models) {
    if (m.index < 2 || !chance(0.08)) continue;
    const target = models[Math.floor(rnd() * m.index)];
    const pair = [m.name, target.name].sort().join('|');
    if (target === m || m.pairs.has(pair) || target.pairs.has(pair)) continue;
    m.pairs.add(pair);
    target.pairs.add(pair);
    m.fields.push({ name: uniqueName(m, plural(lowerFirst(target.name))), type: `${target.name}[]`, attrs: '', relation: true });
    target.fields.push({ name: uniqueName(target, plural(lowerFirst(m.name))), type: `${m.name}[]`, attrs: '', relation: true });
  }
  // @@unique on some models: a required scalar pair, or one FK + a string.
  for (const m of models) {
    if (!chance(0.2)) continue;
    const scalars = m.fields.filter((f) => !f.relation && !f.type.endsWith('?') && /^(String|Int|DateTime)$/.test(f.type) && !f.attrs.includes('@unique') && f.name !== 'updatedAt');
    if (scalars.length < 2) continue;
    const a = scalars[Math.floor(rnd() * scalars.length)];
    const b = scalars.find((f) => f !== a);
    a.referenced = b.referenced = true;
    a.editable = b.editable = false;
    m.blockAttrs.push(`@@unique([${a.name}, ${b.name}])`);
  }
  return { enums, models, byName };
}

function print({ enums, models }, title) {
  const out = [];
  const editPoints = [];
  out.push(`// ${title}`, '// Generated by bench/generate-prisma.mjs — do not edit.', '');
  out.push('generator client {', '  provider = "prisma-client-js"', '}', '');
  out.push('datasource db {', '  provider = "postgresql"', '}', '');
  const usedEnums = new Set(models.flatMap((m) => m.fields.map((f) => f.type.replace(/[?[\]]/g, ''))));
  for (const e of enums) {
    if (!usedEnums.has(e.name)) continue;
    out.push(`enum ${e.name} {`, ...e.values.map((v) => `  ${v}`), '}', '');
  }
  for (const m of models) {
    if (m.doc) out.push(`/// ${m.doc}`);
    out.push(`model ${m.name} {`);
    const idAttrs = m.idType === 'String' ? '@id @default(cuid())' : '@id @default(autoincrement())';
    const rows = [{ name: 'id', type: m.idType, attrs: idAttrs }, ...m.fields];
    const w1 = Math.max(...rows.map((r) => r.name.length));
    const w2 = Math.max(...rows.map((r) => r.type.length));
    for (const r of rows) {
      if (r.comment && r.comment.length > 20) {
        // A comment on its own line above the field.
        out.push(`  // ${r.comment}`);
        editPoints.push({ line: out.length - 1, character: 5, kind: 'comment' });
      }
      const line = `  ${r.name.padEnd(w1)} ${(r.type + (r.attrs ? ' ' : '')).padEnd(r.attrs ? w2 + 1 : 0)}${r.attrs}`.trimEnd();
      const trailing = r.comment && r.comment.length <= 20 ? ` // ${r.comment}` : '';
      out.push(line + trailing);
      if (trailing) editPoints.push({ line: out.length - 1, character: line.length + 4, kind: 'comment' });
      if (r.editable && !r.referenced && !r.relation && r.name !== 'id' && !r.attrs.includes('@map')) {
        editPoints.push({ line: out.length - 1, character: 2 + r.name.length, kind: 'field' });
      }
    }
    if (m.blockAttrs.length || m.map) out.push('');
    for (const a of m.blockAttrs) out.push(`  ${a}`);
    if (m.map) out.push(`  @@map("${m.map}")`);
    out.push('}', '');
  }
  return { text: out.join('\n'), editPoints };
}

/** Generates one schema: `size` is a key of SIZES or `{ seed, models | lines, fields }`. */
export function generatePrismaSchema(size) {
  const spec = typeof size === 'string' ? SIZES[size] : size;
  if (!spec) throw new Error(`unknown size ${size}; one of ${Object.keys(SIZES).join(', ')}`);
  const title = `${typeof size === 'string' ? size : 'custom'} schema`;
  let modelCount = spec.models;
  let result;
  if (modelCount) {
    result = print(build(modelCount, spec.seed, spec.fields), title);
  } else {
    // Grow the model count until the schema reaches the target line count.
    modelCount = 2;
    for (;;) {
      result = print(build(modelCount, spec.seed, spec.fields), title);
      const lines = result.text.split('\n').length;
      if (lines >= spec.lines) break;
      modelCount += Math.max(1, Math.floor(((spec.lines - lines) / lines) * modelCount * 0.8));
    }
  }
  return { ...result, lines: result.text.split('\n').length, models: modelCount, bytes: Buffer.byteLength(result.text) };
}

/** Validates with the newest prisma-schema-wasm; returns undefined when valid, else the error message. */
export function validateWithWasm(text) {
  const require = createRequire(import.meta.url);
  globalThis.PRISMA_WASM_PANIC_REGISTRY ??= { message: '', get() { return this.message; }, set_message(v) { this.message = v; } };
  const wasm = require('@prisma/prisma-schema-wasm');
  try {
    wasm.validate(JSON.stringify({ prismaSchema: [['schema.prisma', text]], noColor: true }));
  } catch (e) {
    return String(e?.message ?? e);
  }
  const lint = JSON.parse(wasm.lint(JSON.stringify([['schema.prisma', text]])));
  const errors = lint.filter((d) => !d.is_warning);
  return errors.length ? errors.map((d) => d.text).join('\n') : undefined;
}

/** Applies the k-th one-character edit (insert at even k, delete at odd k) — used by the LSP bench and the check. */
export function applyEdit(text, point, insert) {
  const lines = text.split('\n');
  const l = lines[point.line];
  lines[point.line] = insert ? l.slice(0, point.character) + 'x' + l.slice(point.character) : l.slice(0, point.character) + l.slice(point.character + 1);
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const out = outIdx >= 0 ? args[outIdx + 1] : undefined;
  const sizes = args.filter((a, i) => !a.startsWith('--') && (outIdx < 0 || i !== outIdx + 1));
  const chosen = sizes.length ? sizes : Object.keys(SIZES);
  let failed = 0;
  for (const size of chosen) {
    const t0 = performance.now();
    const g = generatePrismaSchema(size);
    const genMs = performance.now() - t0;
    let status = '';
    if (args.includes('--check')) {
      const error = validateWithWasm(g.text);
      // An edited schema must stay valid too (the LSP bench edits field names and comments).
      const fieldPoint = g.editPoints.find((p) => p.kind === 'field');
      const edited = fieldPoint ? validateWithWasm(applyEdit(g.text, fieldPoint, true)) : 'no field edit point';
      status = error ? `INVALID: ${error.slice(0, 400)}` : edited ? `edit INVALID: ${edited.slice(0, 400)}` : 'valid';
      if (error || edited) failed++;
    }
    if (out) {
      mkdirSync(join(out, size), { recursive: true });
      writeFileSync(join(out, size, 'schema.prisma'), g.text);
    }
    console.log(`${size.padEnd(10)} ${String(g.models).padStart(5)} models ${String(g.lines).padStart(6)} lines ${(g.bytes / 1024).toFixed(0).padStart(5)} KiB ${g.editPoints.length} edit points (${genMs.toFixed(0)} ms) ${status}`);
  }
  if (failed) process.exitCode = 1;
}
