/** The name and title helpers the schema rules share (rules/names.ts, rules/titles.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aMissingRowOf, aRowOf, findTableByName, nameKey, singular, words } from '../../rules/names';
import { addIndexTitle, drizzleIndexName, enumTypeName, setOnDeleteTitle } from '../../rules/titles';
import { column, drizzleDb, fk, prismaDb, sqlDb, table } from '../helpers/model';

describe('names', () => {
  it('splits identifiers into lower-case words', () => {
    assert.deepEqual(words('chatMessages_backup2024'), ['chat', 'messages', 'backup', '2024']);
    assert.deepEqual(words('HTTPServer'), ['http', 'server']);
    assert.deepEqual(words('chatSessionID'), ['chat', 'session', 'id']);
    assert.deepEqual(words('__'), []);
  });
  it('singularises table names', () => {
    assert.equal(singular('categories'), 'category');
    assert.equal(singular('statuses'), 'status');
    assert.equal(singular('status'), 'status');
    assert.equal(singular('users'), 'user');
    assert.equal(singular('addresses'), 'address');
  });
  it('matches names across case, separators and number', () => {
    assert.equal(nameKey('chat_messages'), nameKey('ChatMessage'));
    const db = sqlDb([table('chat_sessions'), table('Person', { dbName: 'people' })]);
    assert.equal(findTableByName(db, 'chatSession')?.name, 'chat_sessions');
    assert.equal(findTableByName(db, 'people')?.name, 'Person');
    assert.equal(findTableByName(db, 'chat'), undefined);
  });
  it('names a row the way each language names tables', () => {
    assert.equal(aRowOf('prisma', 'Event'), 'an Event');
    assert.equal(aRowOf('sql', 'users'), 'a users row');
  });
});

describe('titles', () => {
  const trades = () =>
    table('trades', { columns: [column('strategyId', 'int', { dbName: 'strategy_id' })], foreignKeys: [fk(['strategyId'], 'strategies', ['id'], { relationField: 'strategy' })] });
  it('addIndex in each language', () => {
    const t = trades();
    assert.equal(addIndexTitle(prismaDb([t]), t, ['strategyId']), 'Add @@index([strategyId])');
    assert.equal(addIndexTitle(sqlDb([t]), t, ['strategyId']), 'Create index on trades (strategy_id)');
    assert.equal(addIndexTitle(drizzleDb([t]), t, ['strategyId']), 'Add index("trades_strategy_id_idx").on(table.strategyId)');
    assert.equal(drizzleIndexName(t, ['strategyId']), 'trades_strategy_id_idx');
  });
  it('setOnDelete in each language', () => {
    const t = trades();
    const f = t.foreignKeys[0];
    assert.equal(setOnDeleteTitle(prismaDb([t]), t, f, 'SetNull'), 'Set onDelete: SetNull on strategy');
    assert.equal(setOnDeleteTitle(drizzleDb([t]), t, f, 'SetNull'), 'Set { onDelete: "set null" }');
    assert.equal(setOnDeleteTitle(sqlDb([t]), t, f, 'NoAction'), 'Recreate the foreign key trades (strategy_id) with ON DELETE NO ACTION');
  });
  it('enum type names', () => {
    const t = table('SignalTrade', { columns: [column('status')] });
    assert.equal(enumTypeName(prismaDb([t]), t, t.columns[1]), 'SignalTradeStatus');
    assert.equal(enumTypeName(sqlDb([t]), t, t.columns[1]), 'signal_trade_status');
  });
  it('Drizzle index and enum names in titles are the names the writers write: within 63 bytes, as Postgres shortens them', () => {
    const long = table('subscription_plan_feature_overrides', {
      columns: [
        column('subscriptionPlanFeatureId', 'uuid', { dbName: 'subscription_plan_feature_id' }),
        column('organizationBillingAccountStatus', 'string', { dbName: 'organization_billing_account_status' }),
      ],
    });
    // The same names as test/languages/drizzle/write.test.ts sees the writer give (and PGlite keep).
    assert.equal(drizzleIndexName(long, ['subscriptionPlanFeatureId']), 'subscription_plan_feature_over_subscription_plan_feature_id_idx');
    const enumName = enumTypeName(drizzleDb([long]), long, long.columns[2]);
    assert.ok(Buffer.byteLength(enumName) <= 63, enumName);
    assert.ok(enumName.startsWith('subscription_plan_feature_') && enumName.includes('_organization_billing_account_'), enumName);
    assert.ok(addIndexTitle(drizzleDb([long]), long, ['subscriptionPlanFeatureId']).includes('"subscription_plan_feature_over_subscription_plan_feature_id_idx"'));
  });
});

describe('aRowOf', () => {
  it('a Prisma model named as a plural table (introspected, Supabase) reads as a table row', () => {
    assert.equal(aRowOf('prisma', 'Event'), 'an Event');
    assert.equal(aRowOf('prisma', 'users'), 'a users row');
    assert.equal(aRowOf('prisma', 'team_members'), 'a team_members row');
    assert.equal(aRowOf('prisma', 'user'), 'a user');
    assert.equal(aRowOf('prisma', 'Status'), 'a Status');
    assert.equal(aRowOf('sql', 'users'), 'a users row');
    assert.equal(aMissingRowOf('prisma', 'Event'), 'Event');
    assert.equal(aMissingRowOf('prisma', 'teams'), 'teams row');
  });
});

describe('article', () => {
  it('goes by sound for the common cases', async () => {
    const { article } = await import('../../rules/names');
    assert.deepEqual(['Event', 'User', 'users', 'Order', 'Umbrella', 'unit', 'Hour', 'Post'].map(article), [
      'an Event', 'a User', 'a users', 'an Order', 'an Umbrella', 'a unit', 'an Hour', 'a Post',
    ]);
  });

  it('spells out a letter or a short acronym', async () => {
    const { article } = await import('../../rules/names');
    assert.deepEqual(['U', 'A', 'S', 'B', 'SMS', 'API', 'URL', 'FAQ', 'KYC', 'USER'].map(article), [
      'a U', 'an A', 'an S', 'a B', 'an SMS', 'an API', 'a URL', 'an FAQ', 'a KYC', 'a USER',
    ]);
  });
});
