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
