/**
 * `npm run restore -- <dir> [--force]`: puts a backup made by `npm run backup` back as the
 * database DATABASE_URI names and the MEDIA_DIR folder. Refuses when either already holds
 * data, unless --force (which replaces them). Stop the app and workers first. Migrations
 * newer than the backup apply when the app next starts (src/database.ts runMigrations).
 */
import fs from 'node:fs'
import path from 'node:path'

import { BACKUP_DATABASE_FILE, MANIFEST_FILE, sha256File, type BackupManifest } from './backup'
import { dataLocation, isEmptyFolder, MONGODB_HELP, OpsError, runCli } from './dataLocation'

const SQLITE_SIDE_FILES = ['', '-wal', '-shm', '-journal', '.migrating']

export const restore = async (backupDir: string, options: { force?: boolean; env?: NodeJS.ProcessEnv } = {}) => {
  const location = dataLocation(options.env)
  if (location.kind === 'mongodb') throw new OpsError(MONGODB_HELP)
  const dir = path.resolve(backupDir)
  const manifestFile = path.join(dir, MANIFEST_FILE)
  if (!fs.existsSync(manifestFile)) throw new OpsError(`${dir} has no ${MANIFEST_FILE}: not a finished backup made by npm run backup.`)
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BackupManifest
  const databaseCopy = path.join(dir, manifest.database?.file ?? BACKUP_DATABASE_FILE)
  if (!fs.existsSync(databaseCopy)) throw new OpsError(`${databaseCopy} is missing: the backup is incomplete.`)
  if (sha256File(databaseCopy) !== manifest.database.sha256) throw new OpsError(`${databaseCopy} does not match its manifest (sha256): the backup is damaged.`)

  const { databaseFile, mediaDir } = location
  const databaseInUse = SQLITE_SIDE_FILES.some((suffix) => fs.existsSync(databaseFile + suffix) && fs.statSync(databaseFile + suffix).size > 0)
  const mediaInUse = !isEmptyFolder(mediaDir)
  if ((databaseInUse || mediaInUse) && !options.force) {
    const what = [databaseInUse && `the database ${databaseFile}`, mediaInUse && `the media folder ${mediaDir}`].filter(Boolean).join(' and ')
    throw new OpsError(`Refusing to overwrite ${what}: restore into an empty data folder, or add --force to replace it (stop the app and workers first).`)
  }

  for (const suffix of SQLITE_SIDE_FILES) fs.rmSync(databaseFile + suffix, { force: true })
  fs.mkdirSync(path.dirname(databaseFile), { recursive: true })
  // Copied beside the target, then renamed: a restore cut short never leaves half a database.
  const partial = `${databaseFile}.restoring`
  fs.copyFileSync(databaseCopy, partial)
  fs.renameSync(partial, databaseFile)

  if (mediaInUse) for (const name of fs.readdirSync(mediaDir)) if (name !== '.gitkeep') fs.rmSync(path.join(mediaDir, name), { recursive: true, force: true })
  fs.mkdirSync(mediaDir, { recursive: true })
  const mediaCopy = path.join(dir, manifest.media?.dir ?? 'media')
  if (fs.existsSync(mediaCopy)) fs.cpSync(mediaCopy, mediaDir, { recursive: true })
  return { manifest, databaseFile, mediaDir }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)
if (isMain) {
  if (fs.existsSync('.env')) process.loadEnvFile('.env')
  await runCli(async () => {
    const args = process.argv.slice(2)
    const source = args.find((arg) => !arg.startsWith('--'))
    if (!source) throw new OpsError('Usage: npm run restore -- <backup dir> [--force]')
    const { manifest, databaseFile, mediaDir } = await restore(source, { force: args.includes('--force') })
    console.log(
      `Restored the backup of ${manifest.createdAt} (migration ${manifest.migration.last}) to ${databaseFile} and ${mediaDir}. ` +
        'Start the app: migrations newer than the backup apply at start.',
    )
  })
}
