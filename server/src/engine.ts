/**
 * The engine: runs the rules over a workspace's model, isolates a rule that throws, applies severity
 * settings and suppression comments, and turns each fix intent into edits through the language that owns
 * the file ("rules decide, languages write").
 */
import type { CodeFile, Database, Loc, Position, Range, Table } from '../../rules/model';
import { collectTableReads, columnOf, compareLocs, locKey, tableView, wholeDatabase } from '../../rules/types';
import type { Category, FixIntent, FixSafety, ReportInput, Rule, RuleContext, Severity } from '../../rules/types';
import type { FileEdit, SourceDiagnostic, Suppression } from './languages/types';
import { migrationEchoes } from './echoes';

export type SeveritySetting = Severity | 'off';

export interface ResolvedFix {
  title: string;
  safety: FixSafety;
  preferred: boolean;
  edits: FileEdit[];
}

export interface Finding {
  rule: string;
  category: Category;
  severity: Severity;
  file: string;
  range: Range;
  message: string;
  fixes: ResolvedFix[];
  related: { loc: Loc; message: string }[];
}

export interface EngineInput {
  databases: readonly Database[];
  codeFiles: readonly CodeFile[];
  suppressions: readonly Suppression[];
}

export interface EngineOptions {
  rules: readonly Rule[];
  /** Severity per rule id; rules not listed use their default. */
  severities?: Readonly<Record<string, SeveritySetting>>;
  /** Turns an intent into edits, or undefined when the owning language cannot write it. */
  writeFix(intent: FixIntent): FileEdit[] | undefined;
  /** Called when a rule or a writer throws; the review goes on without it. */
  onError?(message: string, error: unknown): void;
  /** Results of an earlier run, reused for a rule whose inputs (the same objects) and severity did not change. */
  cache?: RuleCache;
  /**
   * Per-table results of `partition: 'table'` rules, reused for tables that are the same objects in a database of
   * the same shape (the language server passes one; a one-shot review does not need it).
   */
  tableCache?: TableCache;
}

interface TableEntry {
  shape: object;
  severity: SeveritySetting;
  findings: Finding[];
  /** Tables read beyond their shape (`readsTable`): the entry holds while they are the same objects. */
  reads: Table[];
  /** A rule that reads code: the code facts it was judged with (`TableCache.codeToken`). */
  code?: object;
}

/**
 * The per-table results of partitioned rules, and the shape of each database they were judged in. A table's
 * findings are reused while the table is the same object (front-ends keep the objects of unchanged tables),
 * the database's shape is equal (what such rules may read of other tables), the severity is the same, and the
 * tables it read more of are unchanged. Findings whose fix edits or related places reach outside the table are
 * never reused: those places may have moved.
 */
export class TableCache {
  /** Per table, its entry for each partitioned rule (by the rule's slot). */
  readonly tables = new WeakMap<Table, (TableEntry | undefined)[]>();
  /** Per table, every rule's findings together, while all of them may be reused (`key`: the rules and severities). */
  readonly wholeTables = new WeakMap<Table, WholeTable>();
  /** The same for the partitioned rules that read code, judged apart (a code change leaves the others' alone). */
  readonly wholeCodeTables = new WeakMap<Table, WholeTable>();
  /** The code files of the last run, and a token that changes whenever one of them did (rules that read code). */
  codeFiles: readonly CodeFile[] = [];
  codeToken: object = {};
  private readonly slots = new Map<string, number>();
  /** A table's entries, one per partitioned rule's slot. */
  entriesOf(table: Table): (TableEntry | undefined)[] {
    let entries = this.tables.get(table);
    if (!entries) this.tables.set(table, (entries = []));
    return entries;
  }
  /** A rule's place in a table's entries. */
  slot(ruleId: string): number {
    let slot = this.slots.get(ruleId);
    if (slot === undefined) this.slots.set(ruleId, (slot = this.slots.size));
    return slot;
  }
  /**
   * Last shape per database id: the database's key, its tables, a token that stands for the shape, and the places of
   * the tables' names (made when first asked).
   */
  readonly shapes = new Map<string, Shape>();
}

interface WholeTable {
  shape: object;
  key: string;
  findings: Finding[];
  reads: Table[][];
  code?: object;
}

interface Shape {
  databaseKey: string;
  /**
   * The tables, each of which stands for its key (`shapeKeyOf`, memoized per table object: a key is made only when
   * the next review compares a new table object with the one that stood at its place).
   */
  tables: Table[];
  token: object;
  /** The tables' name places themselves, and (made when another place is asked about) their keys. */
  nameLocObjects?: Set<Loc>;
  nameLocs?: Set<string>;
}

/** What a partitioned rule may read of a table other than the one it judges (see RuleMeta.partition). */
const shapeKeys = new WeakMap<Table, string>();

function shapeKeyOf(table: Table): string {
  let key = shapeKeys.get(table);
  if (key === undefined) {
    const pk = table.primaryKey?.columns.map((c) => `${c}:${columnOf(table, c)?.type ?? ''}`).join(',') ?? '';
    const targets = table.foreignKeys.map((fk) => fk.references.table).join(',');
    key = [table.name, table.dbName ?? '', table.isView ? 'v' : '', locKey(table.nameLoc), pk, targets].join('\u0001');
    shapeKeys.set(table, key);
  }
  return key;
}

function databaseKey(d: Database): string {
  return [d.id, d.language, d.dialect, d.relationMode ?? '', d.prismaMajor ?? '', d.prismaMinor ?? '', d.referentialActions?.join(',') ?? '*'].join('\u0001');
}

/**
 * A database's shape: the previous one while it is equal (`fresh` false), else a new one. A table that is the same
 * object as last time has the same key, so after a keystroke only the tables the edit made are keyed (and the ones
 * they replace, when those were never keyed: the first review keys none).
 */
function shapeOf(cache: TableCache, database: Database): { shape: Shape; fresh: boolean } {
  const dbKey = databaseKey(database);
  const tables = database.tables;
  const last = cache.shapes.get(database.id);
  if (last && last.databaseKey === dbKey && last.tables.length === tables.length) {
    let same = true;
    for (let i = 0; i < tables.length && same; i++) same = tables[i] === last.tables[i] || shapeKeyOf(tables[i]) === shapeKeyOf(last.tables[i]);
    if (same) {
      // The new objects stand where the old ones stood, with the same keys.
      for (let i = 0; i < tables.length; i++) last.tables[i] = tables[i];
      return { shape: last, fresh: false };
    }
  }
  const shape: Shape = { databaseKey: dbKey, tables: tables.slice(), token: {} };
  cache.shapes.set(database.id, shape);
  return { shape, fresh: true };
}

/**
 * The places of a shape's table names (part of the shape, so made once per shape): the objects (rules relate a
 * name's place itself, `parent.nameLoc`, found so without a key), and their keys, made from the same places when
 * another place is asked about.
 */
function nameLocObjectsOf(shape: Shape): Set<Loc> {
  return (shape.nameLocObjects ??= new Set(shape.tables.map((t) => t.nameLoc)));
}

function nameLocsOf(shape: Shape): Set<string> {
  if (!shape.nameLocs) {
    shape.nameLocs = new Set();
    for (const loc of nameLocObjectsOf(shape)) shape.nameLocs.add(locKey(loc));
  }
  return shape.nameLocs;
}

/** `a` comes before `b`. */
function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/**
 * Finds the table whose text holds a place: tables of each file by where they start. A rule reports table by table,
 * so the table found last, or the one after it, is tried before a binary search.
 */
function tableFinder(tables: readonly Table[]): (file: string, range: Range) => Table | undefined {
  const byFile = new Map<string, Table[]>();
  for (let i = 0; i < tables.length; i++) {
    const t = tables[i];
    const list = byFile.get(t.loc.file);
    if (list) list.push(t);
    else byFile.set(t.loc.file, [t]);
  }
  for (const list of byFile.values()) list.sort((a, b) => (before(a.loc.range.start, b.loc.range.start) ? -1 : before(b.loc.range.start, a.loc.range.start) ? 1 : 0));
  let lastList: Table[] | undefined;
  let last = -1;
  return (file, range) => {
    const list = byFile.get(file);
    if (!list) return undefined;
    const start = range.start;
    // The last table starting at or before the place.
    let found = -1;
    if (list === lastList) {
      for (let i = last; i <= last + 1 && i < list.length; i++) {
        if (!before(start, list[i].loc.range.start) && (i + 1 === list.length || before(start, list[i + 1].loc.range.start))) {
          found = i;
          break;
        }
      }
    }
    if (found < 0) {
      let lo = 0;
      let hi = list.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (!before(start, list[mid].loc.range.start)) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
    }
    lastList = list;
    last = Math.max(found, 0);
    const t = found >= 0 ? list[found] : undefined;
    return t && within(range, t.loc.range) ? t : undefined;
  };
}

function within(inner: Range, outer: Range): boolean {
  const a = inner.start;
  const b = inner.end;
  return (
    (a.line > outer.start.line || (a.line === outer.start.line && a.character >= outer.start.character)) &&
    (b.line < outer.end.line || (b.line === outer.end.line && b.character <= outer.end.character))
  );
}

/**
 * Every fix edit and related place of the findings lies inside the table's own text. (Indexed loops, as the rules'
 * hot loops: see rules/types.ts. This runs for every finding of the first review, cold.)
 */
function staysInTable(findings: readonly Finding[], table: Table, isTableName: (loc: Loc) => boolean): boolean {
  const file = table.loc.file;
  const range = table.loc.range;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    if (f.file !== file || !within(f.range, range)) return false;
    for (let j = 0; j < f.related.length; j++) {
      const r = f.related[j];
      // A related place elsewhere is part of the shape only when it is a table's name.
      if ((r.loc.file !== file || !within(r.loc.range, range)) && !isTableName(r.loc)) return false;
    }
    for (let j = 0; j < f.fixes.length; j++) {
      const edits = f.fixes[j].edits;
      for (let k = 0; k < edits.length; k++) {
        const fe = edits[k];
        if (fe.create || fe.file !== file) return false;
        for (let e = 0; e < fe.edits.length; e++) if (!within(fe.edits[e].range, range)) return false;
      }
    }
  }
  return true;
}

/** The findings of a table whose rules found none (shared, never changed). */
const NO_FINDINGS: Finding[] = [];

/**
 * Sorts findings in place as `Array.prototype.sort` with `compareFindings` does (both are stable: the same order). A
 * table's few findings by insertion, without the work lists of the general sort.
 */
function sortFindings(findings: Finding[]): void {
  if (findings.length > 16) {
    findings.sort(compareFindings);
    return;
  }
  for (let i = 1; i < findings.length; i++) {
    const f = findings[i];
    let j = i - 1;
    for (; j >= 0 && compareFindings(findings[j], f) > 0; j--) findings[j + 1] = findings[j];
    findings[j + 1] = f;
  }
}

/** Appends `from` to `to` (an indexed loop: not a spread, the lists may hold every finding of a big schema). */
function pushAll<T>(to: T[], from: readonly T[]): void {
  for (let i = 0; i < from.length; i++) to.push(from[i]);
}

interface CachedRun {
  inputs: readonly unknown[];
  severity: SeveritySetting;
  findings: Finding[];
}

/**
 * Per rule: the inputs it judged (by identity), its severity, and its findings before suppression; for a
 * file-scoped rule, the same per code file.
 */
export type RuleCache = Map<string, CachedRun>;

/** What a rule reads: schema rules read the databases; code rules also read the code facts. */
function inputsOf(rule: Rule, input: EngineInput): readonly unknown[] {
  return rule.meta.languages.includes('code') ? [...input.databases, ...input.codeFiles] : [...input.databases];
}

function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface EngineResult {
  findings: Finding[];
  /** Engine-level problems: unused suppression comments. */
  diagnostics: SourceDiagnostic[];
}

export function severityOf(rule: Rule, severities?: Readonly<Record<string, SeveritySetting>>): SeveritySetting {
  return severities?.[rule.meta.id] ?? rule.meta.defaultSeverity;
}

export function runRules(input: EngineInput, options: EngineOptions): EngineResult {
  const findings: Finding[] = [];
  const databaseFor = (orm: 'prisma' | 'drizzle'): Database | undefined =>
    input.databases.find((d) => d.language === orm) ?? input.databases.find((d) => d.language === 'sql');

  const check = (rule: Rule, severity: SeveritySetting, codeFiles: readonly CodeFile[], databases: readonly Database[] = input.databases): Finding[] => {
    const reports: ReportInput[] = [];
    const context: RuleContext = {
      databases,
      allDatabases: input.databases,
      codeFiles,
      databaseFor,
      report: (r) => reports.push(r),
    };
    try {
      rule.check(context);
    } catch (error) {
      options.onError?.(`rule ${rule.meta.id} failed; its findings are skipped`, error);
      return [];
    }
    return reports.map((report) => {
      const finding: Finding = {
        rule: rule.meta.id,
        category: rule.meta.category,
        severity: severity as Severity,
        file: report.loc.file,
        range: report.loc.range,
        message: report.message,
        fixes: resolveFixes(rule, report, options),
        related: report.related ?? [],
      };
      reportedAt.set(finding, report.loc);
      return finding;
    });
  };
  /** Runs a rule, or reuses its cached findings when the same input objects were judged at the same severity. */
  const cached = (key: string, inputs: readonly unknown[], severity: SeveritySetting, run: () => Finding[]): Finding[] => {
    const hit = options.cache?.get(key);
    if (hit && hit.severity === severity && sameInputs(hit.inputs, inputs)) return hit.findings;
    const result = run();
    options.cache?.set(key, { inputs, severity, findings: result });
    return result;
  };

  /** Per database of the run: the finder of the table that holds a place, and each table's entries (`byTable`). */
  const filings = new Map<Database, { tableOfLoc: (file: string, range: Range) => Table | undefined; entryLists: (TableEntry | undefined)[][] }>();

  /**
   * Partitioned rules, table by table, reusing the findings of tables that did not change: one lookup per table
   * gives every rule's entry for it.
   */
  const byTable = (
    rules: readonly { rule: Rule; severity: SeveritySetting; index: number }[],
    cache: TableCache,
    wholeTables: WeakMap<Table, WholeTable>,
    shapes: readonly { shape: Shape; fresh: boolean }[],
    /**
     * The group of rules that read code: the token of this run's code files (entries hold only with it), and whether
     * they differ from the last run's.
     */
    code?: { token: object; changed: boolean },
  ): Finding[] => {
    // Built only when needed: the tables of this run (for entries that read other tables).
    let currentTables: Set<Table> | undefined;
    const tablesNow = () => (currentTables ??= new Set(input.databases.flatMap((d) => d.tables)));
    /**
     * Are the tables of a list of reads still this run's? Asked once per list: a rule judged over a whole database
     * (a new shape) files one list under all of its tables.
     */
    const readsChecked = new Map<Table[], boolean>();
    const readsHold = (reads: Table[]): boolean => {
      let ok = readsChecked.get(reads);
      if (ok === undefined) readsChecked.set(reads, (ok = reads.every((t) => tablesNow().has(t))));
      return ok;
    };
    /** Is this the place of a table's name, in any database of the run? */
    const isTableName = (loc: Loc) => {
      for (let i = 0; i < shapes.length; i++) if (nameLocObjectsOf(shapes[i].shape).has(loc)) return true;
      const key = locKey(loc);
      for (let i = 0; i < shapes.length; i++) if (nameLocsOf(shapes[i].shape).has(key)) return true;
      return false;
    };
    const out: Finding[] = [];
    for (let d = 0; d < input.databases.length; d++) {
      const database = input.databases[d];
      const applicable = rules.filter((r) => r.rule.meta.languages.includes(database.language));
      if (applicable.length === 0) continue;
      // Entries hold the token of the shape they were judged in.
      const {
        shape: { token: shape },
        fresh,
      } = shapes[d];
      const key = applicable.map((r) => `${r.index}:${r.severity}`).join(',');
      // Rules that read code facts: their entries hold while the code files are the same objects.
      const token = code?.token;
      /** An entry judged in this shape (and code) whose deeper reads are the same tables. */
      const holds = (e: TableEntry) => e.shape === shape && e.code === token && (e.reads.length === 0 || readsHold(e.reads));
      /** Every rule's entries of a table: each list of reads is checked once per run, however many tables share it. */
      const wholeHolds = (e: WholeTable) => e.shape === shape && e.code === token && e.reads.every(readsHold);
      /** The lists of reads of the last table recorded whole, and its entries' lists they were made of. */
      let lastReads: Table[][] = [];
      const lastSources: Table[][] = [];
      let emptyWhole: WholeTable | undefined;
      /** Every rule's entry of a table, together, when all of them may be reused. */
      const recordWhole = (table: Table, entries: (TableEntry | undefined)[]) => {
        let count = 0;
        for (let j = 0; j < applicable.length; j++) {
          const e = entries[applicable[j].index];
          if (e === undefined) {
            wholeTables.delete(table);
            return;
          }
          count += e.findings.length;
        }
        // Most tables have no findings: they share one empty list (never changed).
        const findings: Finding[] = count === 0 ? NO_FINDINGS : [];
        // The lists themselves, not their tables: a rule judged over the whole database files one list under every
        // table, and thousands of tables would each copy it. Such tables have the same lists: made once for them.
        let sameReads = true;
        for (let j = 0; j < applicable.length; j++) {
          const e = entries[applicable[j].index]!;
          if (e.findings.length) pushAll(findings, e.findings);
          if (e.reads !== lastSources[j]) {
            sameReads = false;
            lastSources[j] = e.reads;
          }
        }
        if (!sameReads) {
          emptyWhole = undefined;
          lastReads = [];
          for (let j = 0; j < applicable.length; j++) {
            const e = entries[applicable[j].index]!;
            if (e.reads.length && !lastReads.includes(e.reads)) lastReads.push(e.reads);
          }
        }
        // Most tables: no findings, and the lists of reads of the last one. They share one record (never changed).
        if (count === 0) {
          wholeTables.set(table, (emptyWhole ??= { shape, key, findings, reads: lastReads, code: token }));
          return;
        }
        // In the final order already: the run's findings are then mostly sorted runs, which the final sort merges.
        sortFindings(findings);
        wholeTables.set(table, { shape, key, findings, reads: lastReads, code: token });
      };
      // A new shape (the first review, or keys and names changed), or, for the rules that read code, a code file
      // changed: nothing cached holds. Each rule runs once over the whole database, as without a cache (cheaper than
      // table by table when every table must be judged), and its findings are filed under the tables that hold them.
      // After a code change the table loop below then takes them from there.
      if (fresh || code?.changed) {
        const tables = database.tables;
        // Made once per run for both groups of rules: where each table's text is, and its entries.
        let filing = filings.get(database);
        if (!filing) filings.set(database, (filing = { tableOfLoc: tableFinder(tables), entryLists: tables.map((t) => cache.entriesOf(t)) }));
        const { tableOfLoc, entryLists } = filing;
        for (const { rule, severity, index } of applicable) {
          const { result, reads } = collectTableReads(() => check(rule, severity, input.codeFiles, [database]));
          // Filed entries that cannot be kept make the table loop judge that table again: it publishes them then.
          if (fresh) pushAll(out, result);
          const filed = new Map<Table, Finding[]>();
          let all = true;
          for (let i = 0; i < result.length; i++) {
            const f = result[i];
            const t = tableOfLoc(f.file, f.range);
            if (!t) {
              all = false;
              break;
            }
            const list = filed.get(t);
            if (list) list.push(f);
            else filed.set(t, [f]);
          }
          // Reads were not told apart by table here: every table depends on all of them. The tables without findings
          // share one entry (entries are replaced, never changed); then those with findings get theirs.
          const none: TableEntry | undefined = all ? { shape, severity, findings: NO_FINDINGS, reads, code: token } : undefined;
          for (let i = 0; i < tables.length; i++) entryLists[i][index] = none;
          if (all) {
            filed.forEach((findings, table) => {
              cache.entriesOf(table)[index] = staysInTable(findings, table, isTableName) ? { shape, severity, findings, reads, code: token } : undefined;
            });
          }
        }
        if (fresh) {
          for (let i = 0; i < tables.length; i++) recordWhole(tables[i], entryLists[i]);
          continue;
        }
      }
      const tables = database.tables;
      for (let t = 0; t < tables.length; t++) {
        const table = tables[t];
        // Every rule's findings for an unchanged table at once.
        const whole = wholeTables.get(table);
        if (whole && whole.key === key && wholeHolds(whole)) {
          pushAll(out, whole.findings);
          continue;
        }
        const entries = cache.entriesOf(table);
        // One view per table, shared by its rules (rules do not change what they read).
        let view: Database | undefined;
        for (const { rule, severity, index } of applicable) {
          const hit = entries[index];
          if (hit && hit.severity === severity && holds(hit)) {
            pushAll(out, hit.findings);
            continue;
          }
          view ??= tableView(database, table);
          const views = [view];
          const { result, reads } = collectTableReads(() => check(rule, severity, input.codeFiles, views));
          pushAll(out, result);
          entries[index] = staysInTable(result, table, isTableName) ? { shape, severity, findings: result, reads, code: token } : undefined;
        }
        recordWhole(table, entries);
      }
    }
    return out;
  };

  const partitioned: { rule: Rule; severity: SeveritySetting; index: number }[] = [];
  for (const rule of options.rules) {
    const severity = severityOf(rule, options.severities);
    if (severity === 'off') continue;
    if (rule.meta.partition === 'table' && options.tableCache) {
      partitioned.push({ rule, severity, index: options.tableCache.slot(rule.meta.id) });
    } else if (!options.cache) {
      pushAll(findings, check(rule, severity, input.codeFiles));
    } else if (rule.meta.scope === 'file') {
      for (const file of input.codeFiles) {
        pushAll(findings, cached(`${rule.meta.id}\0${file.file}`, [...input.databases, file], severity, () => check(rule, severity, [file])));
      }
    } else {
      pushAll(findings, cached(rule.meta.id, inputsOf(rule, input), severity, () => check(rule, severity, input.codeFiles)));
    }
  }

  if (partitioned.length && options.tableCache) {
    const tableCache = options.tableCache;
    const keyOf = (group: typeof partitioned) => `\0tables\0${group.map((p) => `${p.rule.meta.id}:${p.severity}`).join(',')}`;
    // Rules that read code facts are judged apart: a code change sends them, and only them, back to work.
    const plain = partitioned.filter((p) => !p.rule.meta.languages.includes('code'));
    const coded = partitioned.filter((p) => p.rule.meta.languages.includes('code'));
    const codeChanged = coded.length > 0 && !sameInputs(tableCache.codeFiles, input.codeFiles);
    if (codeChanged) {
      tableCache.codeFiles = [...input.codeFiles];
      tableCache.codeToken = {};
    }
    // Each database's shape, compared with the last run's once for both groups (the first to ask would see it new).
    const shapes = input.databases.map((d) => shapeOf(tableCache, d));
    if (plain.length) pushAll(findings, cached(keyOf(plain), input.databases, 'warning', () => byTable(plain, tableCache, tableCache.wholeTables, shapes)));
    if (coded.length) {
      const inputs = [...input.databases, ...input.codeFiles];
      pushAll(findings, cached(keyOf(coded), inputs, 'warning', () => byTable(coded, tableCache, tableCache.wholeCodeTables, shapes, { token: tableCache.codeToken, changed: codeChanged })));
    }
  }
  const off = new Set(options.rules.filter((r) => severityOf(r, options.severities) === 'off').map((r) => r.meta.id));
  const { kept, diagnostics } = applySuppressions(findings, input.suppressions, new Set(options.rules.map((r) => r.meta.id)), off);
  // After the suppressions: an ignore comment on a migration's copy of a schema finding is still in use, and a schema
  // finding ignored in the schema does not come back from its migration.
  const { echoes, behind } = migrationEchoes(findings, input.databases, (f) => reportedAt.get(f));
  let shown = echoes.size ? kept.filter((f) => !echoes.has(f)) : kept;
  // A migration's finding about what the schema has without the problem says where: the migrations lag behind it. A
  // copy of the finding carries it (the finding itself may be reused by the next review).
  if (behind.size) {
    shown = shown.map((f) => {
      const lag = behind.get(f);
      if (!lag) return f;
      const next = lag.tool === 'prisma' ? '`prisma migrate dev`' : '`drizzle-kit generate`';
      return { ...f, related: [...f.related, { loc: lag.loc, message: `The schema has this without the problem: the migrations lag behind it until ${next} writes the next one.` }] };
    });
  }
  shown.sort(compareFindings);
  return { findings: shown, diagnostics };
}

/** The model location each finding was reported at (its model object: a key's, a column's), for migrationEchoes. */
const reportedAt = new WeakMap<Finding, Loc>();

function resolveFixes(rule: Rule, report: ReportInput, options: EngineOptions): ResolvedFix[] {
  const fixes: ResolvedFix[] = [];
  const proposals = report.fixes;
  // Indexed loops: this runs for every finding of the first review, cold (see rules/types.ts).
  for (let i = 0; proposals !== undefined && i < proposals.length; i++) {
    const proposal = proposals[i];
    let edits: FileEdit[] | undefined;
    // A rule run on a per-table view states its intents on the view: writers get the whole database.
    if ('database' in proposal.intent) proposal.intent.database = wholeDatabase(proposal.intent.database);
    try {
      edits = options.writeFix(proposal.intent);
    } catch (error) {
      options.onError?.(`writing the fix "${proposal.title}" of ${rule.meta.id} failed; the fix is not offered`, error);
      continue;
    }
    if (!edits || edits.length === 0) continue;
    fixes.push({
      title: proposal.title,
      safety: proposal.safety,
      preferred: proposal.preferred ?? proposal.safety === 'safe',
      edits,
    });
  }
  // Only one fix of a finding may be preferred: the first one that asks for it.
  let seenPreferred = false;
  for (let i = 0; i < fixes.length; i++) {
    const fix = fixes[i];
    if (fix.preferred && seenPreferred) fix.preferred = false;
    seenPreferred ||= fix.preferred;
  }
  return fixes;
}

/**
 * One suppression per comment (a Drizzle schema file is read both as a schema and as code: each reading finds its
 * comments), and ignore comments stacked on consecutive lines all apply to the line after the last of them.
 */
function distinctSuppressions(suppressions: readonly Suppression[]): Suppression[] {
  const byKey = new Map<string, Suppression>();
  for (const s of suppressions) {
    const key = `${locKey(s.loc)}\0${s.scope}`;
    if (!byKey.has(key)) byKey.set(key, s);
  }
  const list = [...byKey.values()];
  // A next-line comment on a line of its own targets the line below it; when that line holds another such
  // comment, both target what that one targets.
  const ownLine = new Map<string, Suppression>();
  for (const s of list) if (s.scope === 'next-line' && s.targetLine === s.loc.range.start.line + 1) ownLine.set(`${s.loc.file}\0${s.loc.range.start.line}`, s);
  if (ownLine.size < 2) return list;
  return list.map((s) => {
    let last: Suppression | undefined;
    for (let next = ownLine.get(`${s.loc.file}\0${s.targetLine}`), hops = 0; next && s.scope === 'next-line' && hops < 100; next = ownLine.get(`${s.loc.file}\0${next.targetLine}`), hops++) last = next;
    return last ? { ...s, targetLine: last.targetLine, targetEndLine: last.targetEndLine } : s;
  });
}

function applySuppressions(
  findings: Finding[],
  given: readonly Suppression[],
  knownRules: Set<string>,
  offRules: ReadonlySet<string> = new Set(),
): { kept: Finding[]; diagnostics: SourceDiagnostic[] } {
  if (given.length === 0) return { kept: findings, diagnostics: [] };
  const suppressions = distinctSuppressions(given);
  const byFile = new Map<string, Suppression[]>();
  for (const s of suppressions) {
    const list = byFile.get(s.loc.file) ?? [];
    list.push(s);
    byFile.set(s.loc.file, list);
  }
  const used = new Set<Suppression>();
  const kept = findings.filter((f) => {
    const list = byFile.get(f.file);
    if (!list) return true;
    const match = list.find(
      (s) =>
        (s.rules.length === 0 || s.rules.includes(f.rule)) &&
        (s.scope === 'file' || s.targetLine === f.range.start.line || (s.targetEndLine !== undefined && s.targetLine < f.range.start.line && f.range.start.line <= s.targetEndLine)),
    );
    if (!match) return true;
    used.add(match);
    return false;
  });
  const diagnostics: SourceDiagnostic[] = [];
  for (const s of suppressions) {
    const unknown = s.rules.filter((r) => !knownRules.has(r));
    if (unknown.length > 0) {
      diagnostics.push({
        file: s.loc.file,
        range: s.loc.range,
        severity: 'warning',
        source: 'schema-review',
        code: 'unknown-rule',
        message: `Unknown Schema Review rule ${unknown.map((r) => `"${r}"`).join(', ')} in ignore comment.`,
      });
    } else if (!used.has(s) && !s.rules.some((r) => offRules.has(r))) {
      // (A rule turned off in someone's settings reports nothing: the team's ignore comments for it are not unused.)
      diagnostics.push({
        file: s.loc.file,
        range: s.loc.range,
        severity: 'info',
        source: 'schema-review',
        code: 'unused-ignore',
        message: `This ignore comment suppresses nothing${s.rules.length ? ` (${s.rules.join(', ')})` : ''}: remove it.`,
      });
    }
  }
  return { kept, diagnostics };
}

export function compareFindings(a: Finding, b: Finding): number {
  return compareLocs(a, b) || (a.rule === b.rule ? 0 : a.rule < b.rule ? -1 : 1);
}
