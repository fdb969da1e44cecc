import type { Rule } from '../types';
import { callLabel } from '../queries/support/code';

export const clientOutsideTransaction: Rule = {
  meta: {
    id: 'client-outside-transaction',
    category: 'transactions',
    defaultSeverity: 'error',
    languages: ['code'],
    // Judges each code file on its own: the engine reuses its findings for unchanged files.
    scope: 'file',
    description: 'A query inside a transaction callback that uses the outer client instead of the transaction client.',
    fix: 'safe',
  },
  check(context) {
    for (const file of context.codeFiles) {
      for (const call of file.calls) {
        const scope = call.transaction;
        if (!scope || scope.form !== 'callback' || !scope.callbackParam) continue;
        if (call.viaTransactionClient || call.client !== scope.client) continue;
        if (call.operation.startsWith('$transaction') || call.operation === 'transaction') continue;
        const param = scope.callbackParam;
        const effect =
          call.kind === 'write'
            ? 'it commits on its own even when the transaction rolls back, and can block on rows the transaction has locked'
            : 'it does not see the transaction\'s uncommitted writes and takes a second connection from the pool';
        context.report({
          message: `\`${callLabel(call)}\` runs outside the transaction: it uses \`${call.client}\`, not the transaction client \`${param}\`, so ${effect}.`,
          loc: call.loc,
          fixes: [
            {
              title: `Use the transaction client \`${param}\``,
              safety: 'safe',
              preferred: true,
              intent: { kind: 'useTransactionClient', file, call, transaction: scope },
            },
          ],
          related: [{ loc: scope.callLoc, message: 'The transaction' }],
        });
      }
      // One level deep: a workspace function that writes, called in the callback without the transaction client.
      for (const call of file.writingCalls) {
        const scope = call.transaction;
        if (!scope || scope.form !== 'callback' || !scope.callbackParam || call.viaTransactionClient) continue;
        context.report({
          message:
            `\`${call.callee}()\` writes through its own client, outside the transaction: its writes commit even when the ` +
            `transaction rolls back. Give it the transaction client (\`${call.callee}(${scope.callbackParam}, …)\`) and use that inside.`,
          loc: call.loc,
          related: [{ loc: scope.callLoc, message: 'The transaction' }],
        });
      }
    }
  },
};
