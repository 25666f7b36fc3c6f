import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { createClient } from '@libsql/client'
import { sql } from '@payloadcms/db-sqlite'
import { drizzle } from '@payloadcms/db-sqlite/drizzle/libsql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { BackupManifest } from '../../src/ops/backup'
import { migrations } from '../../src/migrations'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { ROOT } from '../helpers/server'

/**
 * `npm run backup` / `npm run restore` as commands, and the SQLite snapshot seam: a backup
 * of a database one migration behind is restored into a fresh folder, then Payload starts
 * on it and applies the newer migration, with the old rows and media intact.
 */
const NEWEST = migrations[migrations.length - 1].name
const OLDER = migrations[migrations.length - 2].name

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cms-backup-test-'))
const oldData = path.join(work, 'old')
const backupDir = path.join(work, 'backup-1')
let ctx: TestPayload
let restoreOutput = ''

const run = (script: 'backup' | 'restore', args: string[], env: Record<string, string>) =>
  spawnSync('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' })

const buildOlderDatabase = async (file: string) => {
  const client = createClient({ url: `file:${file}` })
  const db = drizzle(client)
  for (const [batch, migration] of migrations.slice(0, -1).entries()) {
    await migration.up({ db, payload: {} as never, req: {} as never } as never)
    await db.run(sql`INSERT INTO payload_migrations (name, batch) VALUES (${migration.name}, ${batch + 1})`)
  }
  await db.run(sql`INSERT INTO articles (id, title, slug, _status) VALUES (1, 'Desk neck pain', 'desk-neck-pain', 'published')`)
  await db.run(sql`INSERT INTO subscribers (id, email, email_key, status) VALUES (1, 'pat@example.com', 'pat@example.com', 'confirmed')`)
  client.close()
}

beforeAll(async () => {
  fs.mkdirSync(path.join(oldData, 'media'), { recursive: true })
  await buildOlderDatabase(path.join(oldData, 'cms.db'))
  fs.writeFileSync(path.join(oldData, 'media', 'hero.jpg'), 'not really a jpeg')
  const backedUp = run('backup', [backupDir], { DATABASE_URI: `file:${path.join(oldData, 'cms.db')}`, MEDIA_DIR: path.join(oldData, 'media') })
  expect(backedUp.status, backedUp.stderr + backedUp.stdout).toBe(0)
  ctx = await startTestPayload('backup-restored', {
    prepareDatabase: async (databaseFile) => {
      const restored = run('restore', [backupDir], { DATABASE_URI: `file:${databaseFile}`, MEDIA_DIR: path.join(path.dirname(databaseFile), 'media') })
      restoreOutput = restored.stdout + restored.stderr
      expect(restored.status, restoreOutput).toBe(0)
    },
  })
})

afterAll(async () => {
  if (ctx) await stopTestPayload(ctx)
  fs.rmSync(work, { recursive: true, force: true })
})

describe('npm run backup', () => {
  it('writes the copy, the media and a manifest naming the migration and the counts', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest
    expect(manifest.migration).toEqual({ last: OLDER, applied: migrations.length - 1 })
    expect(manifest.counts).toMatchObject({ articles: 1, subscribers: 1, deliveries: 0 })
    expect(manifest.database.integrity).toBe('ok')
    expect(manifest.media).toEqual({ dir: 'media', files: 1, bytes: 17 })
    expect(fs.readFileSync(path.join(backupDir, 'media', 'hero.jpg'), 'utf8')).toBe('not really a jpeg')
    expect(Date.parse(manifest.createdAt)).toBeGreaterThan(Date.now() - 5 * 60_000)
  })

  it('refuses a folder that is not empty', () => {
    const refused = run('backup', [backupDir], { DATABASE_URI: `file:${path.join(oldData, 'cms.db')}`, MEDIA_DIR: path.join(oldData, 'media') })
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/is not empty: back up into a new folder/)
  })

  it('points MongoDB users to mongodump', () => {
    const refused = run('backup', [path.join(work, 'mongo')], { DATABASE_URI: 'mongodb://127.0.0.1:27017/cms' })
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/mongodump --uri "\$DATABASE_URI"/)
  })
})

describe('npm run restore', () => {
  it('restored into the empty folder, and the app applied the newer migration at start', async () => {
    expect(restoreOutput).toMatch(new RegExp(`migration ${OLDER}`))
    const { docs } = await ctx.payload.find({ collection: 'payload-migrations', limit: 100, sort: 'name' })
    expect(docs.map((doc) => doc.name)).toContain(NEWEST)
    expect((await ctx.payload.find({ collection: 'articles', where: { slug: { equals: 'desk-neck-pain' } } })).docs).toHaveLength(1)
    expect((await ctx.payload.count({ collection: 'subscribers', overrideAccess: true })).totalDocs).toBe(1)
    expect(fs.readFileSync(path.join(ctx.dir, 'media', 'hero.jpg'), 'utf8')).toBe('not really a jpeg')
    // The newest migration's tables exist and work.
    await ctx.payload.db.create({ collection: 'worker-heartbeats', data: { workerId: 'w', status: 'running', startedAt: new Date().toISOString(), lastBeatAt: new Date().toISOString() } })
  })

  it('refuses to overwrite a database or media folder that holds data, unless --force', async () => {
    const env = { DATABASE_URI: `file:${ctx.databaseFile}`, MEDIA_DIR: path.join(ctx.dir, 'media') }
    const refused = run('restore', [backupDir], env)
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/Refusing to overwrite the database .* and the media folder .*: restore into an empty data folder, or add --force/)
    const target = path.join(work, 'forced')
    fs.mkdirSync(path.join(target, 'media'), { recursive: true })
    fs.writeFileSync(path.join(target, 'cms.db'), 'old junk')
    fs.writeFileSync(path.join(target, 'media', 'stale.png'), 'x')
    const forced = run('restore', [backupDir, '--force'], { DATABASE_URI: `file:${path.join(target, 'cms.db')}`, MEDIA_DIR: path.join(target, 'media') })
    expect(forced.status, forced.stderr).toBe(0)
    expect(fs.readdirSync(path.join(target, 'media'))).toEqual(['hero.jpg'])
    const client = createClient({ url: `file:${path.join(target, 'cms.db')}` })
    expect((await client.execute('SELECT count(*) FROM articles')).rows[0][0]).toBe(1)
    client.close()
  })

  it('refuses a damaged backup', () => {
    const damaged = path.join(work, 'damaged')
    fs.cpSync(backupDir, damaged, { recursive: true })
    fs.appendFileSync(path.join(damaged, 'cms.db'), 'garbage')
    const refused = run('restore', [damaged], { DATABASE_URI: `file:${path.join(work, 'fresh', 'cms.db')}`, MEDIA_DIR: path.join(work, 'fresh', 'media') })
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/does not match its manifest/)
  })
})

describe('the SQLite snapshot seam (src/ops/sqliteSnapshot.ts)', () => {
  it('VACUUM INTO through @libsql/client copies a live database consistently while Payload writes to it', async () => {
    const { snapshotSqlite, describeSqlite } = await import('../../src/ops/sqliteSnapshot')
    let writing = true
    let written = 0
    const writer = (async () => {
      while (writing) {
        await ctx.payload.db.create({ collection: 'subscribers', data: { email: `s${written}@example.com`, emailKey: `s${written}@example.com`, status: 'pending' } })
        written++
        // libsql answers synchronously: without a turn of the event loop this loop would starve the timers.
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    let writerFailed: unknown
    writer.catch((error: unknown) => (writerFailed = error))
    const deadline = Date.now() + 30_000
    while (written < 20 && !writerFailed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(writerFailed).toBeUndefined()
    const before = written
    const copy = path.join(work, 'live-copy.db')
    await snapshotSqlite(ctx.databaseFile, copy)
    const after = written
    writing = false
    await writer
    const summary = await describeSqlite(copy)
    expect(summary.integrity).toBe('ok')
    expect(summary.lastMigration).toBe(NEWEST)
    // Every row committed before the copy began is in it; none half-written.
    expect(summary.counts.subscribers).toBeGreaterThanOrEqual(1 + before)
    expect(summary.counts.subscribers).toBeLessThanOrEqual(1 + after + 1)
    // It never writes over an existing file.
    await expect(snapshotSqlite(ctx.databaseFile, copy)).rejects.toThrow(/output file already exists/)
  })
})
