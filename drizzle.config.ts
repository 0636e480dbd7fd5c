import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the one Drizzle schema and applied at start
// (src/platform/database/migrate.ts); both drivers read the same folder.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/platform/database/schema.ts',
  out: './drizzle',
});
