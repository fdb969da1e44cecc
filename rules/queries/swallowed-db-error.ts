import type { Rule } from '../types';
import { callLabel, containsLoc } from './support/code';

export const swallowedDbError: Rule = {
  meta: {
    id: 'swallowed-db-error',
    category: 'queries',
    defaultSeverity: 'warning',
    languages: ['code'],
    // Judges each code file on its own: the engine reuses its findings for unchanged files.
    scope: 'file',
    description: 'A database write inside a try whose catch only logs the error and carries on.',
  },
  check(context) {
    for (const file of context.codeFiles) {
      for (const call of file.calls) {
        if (call.kind !== 'write' || !call.catch?.onlyLogs) continue;
        // `Promise.allSettled(xs.map((x) => write))` whose results nobody inspects: the "catch" is the combinator itself.
        if (call.loop?.settled && call.catch.empty && containsLoc(call.catch.loc, call.loop.loc)) {
          context.report({
            message:
              `If \`${callLabel(call)}\` fails, \`Promise.allSettled\` keeps the error in a result nobody inspects and the code carries on as if the write succeeded: ` +
              "the caller and the user are told it worked while the data was never saved. Check the results for `status === 'rejected'`, or use `Promise.all`.",
            loc: call.loc,
            related: [{ loc: call.catch.loc, message: 'Its results are never inspected' }],
          });
          continue;
        }
        const swallows = call.catch.empty ? 'ignores the error' : 'only logs it';
        context.report({
          message:
            `If \`${callLabel(call)}\` fails, the catch ${swallows} and the code carries on as if the write succeeded: ` +
            'the caller and the user are told it worked while the data was never saved. Rethrow, return an error, or handle the failure.',
          loc: call.loc,
          related: [{ loc: call.catch.loc, message: call.catch.empty ? 'This catch ignores the error' : 'This catch only logs' }],
        });
      }
    }
  },
};

