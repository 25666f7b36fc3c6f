import fs from 'node:fs'
import path from 'node:path'

import { chooseDatabase, DatabaseUriError, sqliteFilePath } from '../databaseUri'

/** Where this process's data lives: the SQLite file DATABASE_URI names (or MongoDB) and MEDIA_DIR. */
export type DataLocation = { kind: 'sqlite'; databaseFile: string; mediaDir: string } | { kind: 'mongodb'; url: string; mediaDir: string }

export const dataLocation = (env: NodeJS.ProcessEnv = process.env): DataLocation => {
  const mediaDir = path.resolve(env.MEDIA_DIR || 'media')
  const choice = chooseDatabase(env.DATABASE_URI)
  if (choice.kind === 'mongodb') return { kind: 'mongodb', url: choice.url, mediaDir }
  return { kind: 'sqlite', databaseFile: path.resolve(sqliteFilePath(choice.url)), mediaDir }
}

export class OpsError extends Error {}

export const MONGODB_HELP = [
  'DATABASE_URI names MongoDB: use its own tools (README "Backups"):',
  '  back up:  mongodump --uri "$DATABASE_URI" --archive=backup/cms.archive.gz --gzip   (and copy MEDIA_DIR)',
  '  restore:  mongorestore --uri "$DATABASE_URI" --archive=backup/cms.archive.gz --gzip --drop',
].join('\n')

/** Files under `dir` (recursively) and their total size; a missing folder is empty. */
export const folderStats = (dir: string) => {
  let files = 0
  let bytes = 0
  if (!fs.existsSync(dir)) return { files, bytes }
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    files++
    bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size
  }
  return { files, bytes }
}

/** Whether a folder holds anything but placeholders (`.gitkeep`). */
export const isEmptyFolder = (dir: string) =>
  !fs.existsSync(dir) || fs.readdirSync(dir).every((name) => name === '.gitkeep')

export const runCli = async (main: () => Promise<void>) => {
  try {
    await main()
    process.exit(0)
  } catch (error) {
    if (error instanceof OpsError || error instanceof DatabaseUriError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
}
