import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`payload_jobs\` ADD \`state\` text DEFAULT 'queued';`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` ADD \`scheduled_for\` text;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` ADD \`lease_owner\` text;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` ADD \`lease_expires_at\` text;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` ADD \`applied_at\` text;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` ADD \`lateness_ms\` numeric;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` ADD \`last_error\` text;`)
  await db.run(sql`CREATE INDEX \`payload_jobs_state_idx\` ON \`payload_jobs\` (\`state\`);`)
  await db.run(sql`CREATE INDEX \`payload_jobs_lease_expires_at_idx\` ON \`payload_jobs\` (\`lease_expires_at\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP INDEX \`payload_jobs_state_idx\`;`)
  await db.run(sql`DROP INDEX \`payload_jobs_lease_expires_at_idx\`;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` DROP COLUMN \`state\`;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` DROP COLUMN \`scheduled_for\`;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` DROP COLUMN \`lease_owner\`;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` DROP COLUMN \`lease_expires_at\`;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` DROP COLUMN \`applied_at\`;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` DROP COLUMN \`lateness_ms\`;`)
  await db.run(sql`ALTER TABLE \`payload_jobs\` DROP COLUMN \`last_error\`;`)
}
