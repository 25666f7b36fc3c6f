import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`subscribers\` ADD \`confirmation_requested_at\` text;`)
  await db.run(sql`ALTER TABLE \`subscribers\` ADD \`reminder_sent_at\` text;`)
  await db.run(sql`CREATE INDEX \`subscribers_confirmation_requested_at_idx\` ON \`subscribers\` (\`confirmation_requested_at\`);`)
  await db.run(sql`ALTER TABLE \`audience_stats\` ADD \`purged_unconfirmed\` numeric DEFAULT 0;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP INDEX \`subscribers_confirmation_requested_at_idx\`;`)
  await db.run(sql`ALTER TABLE \`subscribers\` DROP COLUMN \`confirmation_requested_at\`;`)
  await db.run(sql`ALTER TABLE \`subscribers\` DROP COLUMN \`reminder_sent_at\`;`)
  await db.run(sql`ALTER TABLE \`audience_stats\` DROP COLUMN \`purged_unconfirmed\`;`)
}
