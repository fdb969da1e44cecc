import type { DbCall } from '../model';
import type { Rule } from '../types';
import { callLabel, tableForCall } from './support/code';

export const deleteWithoutWhere: Rule = {
  meta: {
    id: 'delete-without-where',
    category: 'queries',
    defaultSeverity: 'warning',
    languages: ['code'],
    // Judges each code file on its own: the engine reuses its findings for unchanged files.
    scope: 'file',
    description: 'A delete or update of many rows without a where clause: it touches every row of the table.',
  },
  check(context) {
    for (const file of context.codeFiles) {
      for (const call of file.calls) {
        const verb = unfiltered(call);
        if (!verb) continue;
        const table = tableForCall(context.databaseFor(call.orm), call)?.name ?? call.model ?? 'the table';
        const cost = verb === 'delete' ? `deletes every row of ${table}` : `updates every row of ${table}`;
        const what = call.emptyWhere ? 'has an empty `where` (`where: {}`)' : 'has no where clause';
        const how = call.emptyWhere ? 'Put the filter in the `where`' : call.orm === 'prisma' ? 'Add a `where`' : 'Add `.where(...)`';
        context.report({
          message: `\`${callLabel(call)}\` ${what}: it ${cost}. ${how}, or suppress this line if ${verb === 'delete' ? 'emptying the table' : 'updating every row'} is intended.`,
          loc: call.loc,
        });
      }
    }
  },
};

function unfiltered(call: DbCall): 'delete' | 'update' | undefined {
  if (call.orm === 'prisma') {
    // argKeys undefined: the argument is not an object literal, so we cannot tell.
    // `where: {}` matches every row, like no `where` at all.
    if (!call.argKeys || (call.argKeys.includes('where') && !call.emptyWhere)) return undefined;
    if (call.operation === 'deleteMany') return 'delete';
    if (call.operation === 'updateMany' || call.operation === 'updateManyAndReturn') return 'update';
    return undefined;
  }
  if (!call.chain || call.chain.includes('where')) return undefined;
  if (call.operation === 'delete') return 'delete';
  // An update without `.set(...)` is half-written; it cannot run yet.
  if (call.operation === 'update' && call.chain.includes('set')) return 'update';
  return undefined;
}
