/**
 * Settings: the `schemaReview.*` editor settings and the optional workspace file `schema-review.json`,
 * which has the same shape. The file is validated with zod; a bad file becomes a diagnostic on it (and
 * exit code 2 in the CLI), never a crash.
 */
import { z } from 'zod';
import type { Dialect } from '../../rules/model';
import type { SeveritySetting } from './engine';

const severity = z.enum(['off', 'info', 'warning', 'error']);

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    enable: z.boolean().optional(),
    rules: z.record(z.string(), severity).optional(),
    fixes: z.object({ unsafe: z.boolean().optional() }).strict().optional(),
    prisma: z.object({ validation: z.enum(['auto', 'on', 'off']).optional() }).strict().optional(),
    audit: z
      .object({
        include: z.array(z.string()).optional(),
        exclude: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    dialect: z.enum(['postgresql', 'mysql', 'sqlite', 'sqlserver', 'cockroachdb']).optional(),
    trace: z.object({ server: z.enum(['off', 'messages', 'verbose']).optional() }).strict().optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configSchema>;

export interface Settings {
  enable: boolean;
  rules: Record<string, SeveritySetting>;
  fixesUnsafe: boolean;
  prismaValidation: 'auto' | 'on' | 'off';
  auditInclude: string[];
  auditExclude: string[];
  /** The editor's `files.exclude` globs that are on (the editor hides these files; so does the review). */
  filesExclude: string[];
  dialect?: Dialect;
}

export const defaultSettings: Settings = {
  enable: true,
  rules: {},
  fixesUnsafe: false,
  prismaValidation: 'auto',
  auditInclude: [],
  auditExclude: [],
  filesExclude: [],
};

export interface ConfigProblem {
  message: string;
  /** 0-based position in the config file, when known. */
  line: number;
  character: number;
}

/** Parses and validates a `schema-review.json` text. */
export function parseConfigFile(text: string, knownRules: ReadonlySet<string>): { config?: ConfigFile; problems: ConfigProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const pos = at ? positionAt(text, Number(at[1])) : { line: 0, character: 0 };
    return { problems: [{ message: `schema-review.json is not valid JSON: ${message}`, ...pos }] };
  }
  const parsed = configSchema.safeParse(json);
  const problems: ConfigProblem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.length ? issue.path.join('.') : '(top level)';
      const pos = locateKey(text, issue.path);
      problems.push({ message: `schema-review.json: ${where}: ${issue.message}`, ...pos });
    }
    return { problems };
  }
  for (const id of Object.keys(parsed.data.rules ?? {})) {
    if (!knownRules.has(id)) {
      problems.push({ message: `schema-review.json: rules.${id}: unknown rule "${id}"`, ...locateKey(text, ['rules', id]) });
    }
  }
  return { config: parsed.data, problems };
}

/** Merges editor settings (lower precedence) with the workspace config file (higher precedence). */
export function mergeSettings(base: Settings, config: ConfigFile | undefined): Settings {
  if (!config) return base;
  return {
    enable: config.enable ?? base.enable,
    rules: { ...base.rules, ...(config.rules ?? {}) },
    fixesUnsafe: config.fixes?.unsafe ?? base.fixesUnsafe,
    prismaValidation: config.prisma?.validation ?? base.prismaValidation,
    auditInclude: config.audit?.include ?? base.auditInclude,
    auditExclude: config.audit?.exclude ?? base.auditExclude,
    filesExclude: base.filesExclude,
    dialect: config.dialect ?? base.dialect,
  };
}

/** The globs of a `files.exclude` setting that are switched on (those whose value is `true`). */
export function enabledGlobs(filesExclude: unknown): string[] {
  if (typeof filesExclude !== 'object' || filesExclude === null) return [];
  return Object.entries(filesExclude as Record<string, unknown>)
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
}

/** Reads the editor's `schemaReview` configuration section (shape as contributed in package.json). */
export function settingsFromEditor(section: unknown, filesExclude: unknown = undefined): Settings {
  const s = (section ?? {}) as Record<string, unknown>;
  const fixes = (s.fixes ?? {}) as Record<string, unknown>;
  const prisma = (s.prisma ?? {}) as Record<string, unknown>;
  const audit = (s.audit ?? {}) as Record<string, unknown>;
  const rules: Record<string, SeveritySetting> = {};
  for (const [id, value] of Object.entries((s.rules ?? {}) as Record<string, unknown>)) {
    const v = severity.safeParse(value);
    if (v.success) rules[id] = v.data;
  }
  const validation = z.enum(['auto', 'on', 'off']).safeParse(prisma.validation);
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    enable: s.enable !== false,
    rules,
    fixesUnsafe: fixes.unsafe === true,
    prismaValidation: validation.success ? validation.data : 'auto',
    auditInclude: strings(audit.include),
    auditExclude: strings(audit.exclude),
    filesExclude: enabledGlobs(filesExclude),
  };
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let last = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i + 1;
    }
  }
  return { line, character: Math.max(0, offset - last) };
}

/** Finds the position of the last key of `path` in the JSON text (first occurrence of `"key"`), else 0:0. */
function locateKey(text: string, path: readonly PropertyKey[]): { line: number; character: number } {
  let from = 0;
  for (const key of path) {
    if (typeof key !== 'string') continue;
    const at = text.indexOf(JSON.stringify(key), from);
    if (at < 0) break;
    from = at;
  }
  return positionAt(text, from);
}
