/**
 * `npm run backup -- <dir>`: an online backup of the SQLite database, the media folder and a
 * manifest, safe while `npm start` and workers run (README "Backups").
 *
 * <dir>/cms.db         a consistent copy (VACUUM INTO, src/ops/sqliteSnapshot.ts)
 * <dir>/media/…        the uploads, copied after the database: an upload made meanwhile is
 *                      an extra file; a file deleted in between may be missing
 * <dir>/manifest.json  time, newest migration, rows per table, media files, the copy's sha256
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { dataLocation, folderStats, isEmptyFolder, MONGODB_HELP, OpsError, runCli } from './dataLocation'
import { describeSqlite, snapshotSqlite } from './sqliteSnapshot'

export const BACKUP_DATABASE_FILE = 'cms.db'
export const MANIFEST_FILE = 'manifest.json'

export type BackupManifest = {
  format: 1
  createdAt: string
  database: { kind: 'sqlite'; file: string; bytes: number; sha256: string; integrity: string }
  migration: { last: string | null; applied: number }
  counts: Record<string, number>
  media: { dir: string; files: number; bytes: number }
}

export const sha256File = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')

export const backup = async (targetDir: string, env: NodeJS.ProcessEnv = process.env): Promise<BackupManifest> => {
  const location = dataLocation(env)
  if (location.kind === 'mongodb') throw new OpsError(MONGODB_HELP)
  if (!fs.existsSync(location.databaseFile)) throw new OpsError(`No database at ${location.databaseFile} (DATABASE_URI): nothing to back up.`)
  const dir = path.resolve(targetDir)
  if (!isEmptyFolder(dir)) throw new OpsError(`${dir} is not empty: back up into a new folder (e.g. backups/$(date +%Y%m%d-%H%M)).`)
  fs.mkdirSync(dir, { recursive: true })

  const databaseCopy = path.join(dir, BACKUP_DATABASE_FILE)
  const startedAt = new Date()
  await snapshotSqlite(location.databaseFile, databaseCopy)
  const summary = await describeSqlite(databaseCopy)
  if (summary.integrity !== 'ok') throw new OpsError(`The copy failed SQLite's integrity check (${summary.integrity}); ${databaseCopy} is not a usable backup.`)

  const mediaCopy = path.join(dir, 'media')
  if (fs.existsSync(location.mediaDir)) fs.cpSync(location.mediaDir, mediaCopy, { recursive: true, filter: (source) => path.basename(source) !== '.gitkeep' })
  else fs.mkdirSync(mediaCopy)

  const manifest: BackupManifest = {
    format: 1,
    createdAt: startedAt.toISOString(),
    database: { kind: 'sqlite', file: BACKUP_DATABASE_FILE, bytes: fs.statSync(databaseCopy).size, sha256: sha256File(databaseCopy), integrity: summary.integrity },
    migration: { last: summary.lastMigration, applied: summary.migrations },
    counts: summary.counts,
    media: { dir: 'media', ...folderStats(mediaCopy) },
  }
  // Last: a folder with a manifest is a complete backup.
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)
if (isMain) {
  if (fs.existsSync('.env')) process.loadEnvFile('.env')
  await runCli(async () => {
    const target = process.argv.slice(2).find((arg) => !arg.startsWith('--'))
    if (!target) throw new OpsError('Usage: npm run backup -- <dir>   (a new or empty folder)')
    const started = Date.now()
    const manifest = await backup(target)
    const rows = (name: string) => manifest.counts[name] ?? 0
    console.log(
      `Backed up to ${path.resolve(target)} in ${((Date.now() - started) / 1000).toFixed(1)} s: migration ${manifest.migration.last}, ` +
        `${rows('articles')} articles, ${rows('subscribers')} subscribers, ${rows('deliveries')} deliveries, ${manifest.media.files} media files.`,
    )
  })
}
