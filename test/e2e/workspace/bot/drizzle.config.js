/** @type {import('drizzle-kit').Config} */
export default {
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
};
