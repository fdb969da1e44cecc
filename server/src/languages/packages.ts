/** What the front-ends read of installed npm packages (syntax only: a package.json is never executed). */

/** The `major.minor` of an installed package, from its `package.json` text (`node_modules/<name>/package.json`). */
export function installedVersion(text: string | undefined): [major: number, minor: number] | undefined {
  if (text === undefined) return undefined;
  try {
    const version = (JSON.parse(text) as Record<string, unknown> | null)?.version;
    const m = typeof version === 'string' ? /^(\d+)\.(\d+)\./.exec(version) : null;
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one `major.minor` a dependency's version or range allows: `6.1.0`, `=6.1.0`, `~6.1.0`, `~6.1`, `6.1.x`, `6.1`,
 * `v6.1.3`, `npm:prisma@6.1.0`, and `^0.39.1` (a caret below 1.0 keeps the minor). Undefined for ranges that allow
 * newer minors (`^6.1.0`, `>=6.1.0`, `6.x`, `~6`), unions, tags and workspace links.
 */
export function pinnedMinor(range: unknown): [major: number, minor: number] | undefined {
  if (typeof range !== 'string') return undefined;
  let v = range.trim().replace(/^npm:(?:@[^/@]+\/)?[^@]*@/, '');
  const caret = v.startsWith('^');
  if (caret || v.startsWith('~') || v.startsWith('=')) v = v.slice(1).trim();
  if (v.startsWith('v')) v = v.slice(1);
  const m = /^(\d+)\.(\d+)(?:\.(?:\d+(?:-[0-9A-Za-z.-]+)?|x|\*))?$/.exec(v);
  if (!m) return undefined;
  const major = Number(m[1]);
  // `^1.2.3` allows any 1.x; `^0.39.1` only 0.39.x.
  return caret && major !== 0 ? undefined : [major, Number(m[2])];
}
