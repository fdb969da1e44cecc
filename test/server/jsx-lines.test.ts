/** Where an ignore comment must be written as JSX's own `{/* … *\/}`: lines are counted as the editor counts them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startsInJsxChildren } from '../../server/src/codeActions';

describe('startsInJsxChildren', () => {
  const page = (separator: string) =>
    [
      `export default async function Page() {`,
      `  const title = 'Orders${separator}and refunds';`,
      `  const orders = await db.query.orders.findMany();`,
      `  return (`,
      `    <ul>`,
      `      {orders.map((o) => <li key={o.id}>{o.id}</li>)}`,
      `    </ul>`,
      `  );`,
      `}`,
      ``,
    ].join('\n');

  for (const [name, separator] of [['no separator', ''], ['U+2028 in a string', '\u2028'], ['U+2029 in a string', '\u2029']]) {
    it(`${name}: the map line is among the children, the query line is not`, () => {
      const inJsx = startsInJsxChildren('/w/app/orders/page.tsx', page(separator));
      assert.equal(inJsx(5), true, 'line 6: {orders.map(…)} inside <ul>');
      assert.equal(inJsx(2), false, 'line 3: the query');
      assert.equal(inJsx(4), false, 'line 5: <ul> itself starts the returned expression');
    });
  }
});
