import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`audience_stats\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`erased_subscribers\` numeric DEFAULT 0,
  	\`erased_while_confirmed\` numeric DEFAULT 0,
  	\`updated_at\` text,
  	\`created_at\` text
  );
  `)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`audience_stats\`;`)
}
