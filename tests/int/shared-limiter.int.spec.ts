import { spawn } from 'node:child_process'

import { createClient } from '@libsql/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ROOT } from '../helpers/server'
import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { createSharedLimiter } from '../../src/security/sharedLimiter'
import { sqliteOnly } from '../helpers/database'

let ctx: TestPayload

beforeAll(async () => {
  // Creates and migrates the file the children share.
  ctx = await startTestPayload('shared-limiter')
})

afterAll(() => stopTestPayloadIfStarted(ctx))

type Child = { ready: Promise<void>; result: Promise<{ allowed: number; refused: number }>; go: () => void }

const startChild = (env: Record<string, string>): Child => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/limiterChild.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '--conditions=production', DATABASE_URI: ctx.databaseUri, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  let markReady: () => void
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  child.stdout!.on('data', (chunk) => {
    out += chunk
    if (out.includes('ready\n')) markReady()
  })
  child.stderr!.on('data', (chunk) => (err += chunk))
  const result = new Promise<{ allowed: number; refused: number }>((resolve, reject) =>
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (code === 0 && line) resolve(JSON.parse(line))
      else reject(new Error(`limiter child exited ${code}:\n${out}\n${err}`))
    }),
  )
  return { ready, result, go: () => child.stdin!.write('go\n') }
}

describe('shared rate-limit store (SQLite)', () => {
  it('two processes on one database file share one counter: the total allowed is the configured number', async () => {
    const env = { LIMIT_POINTS: '10', CONSUME_ATTEMPTS: '15' }
    const children = [startChild(env), startChild(env)]
    await Promise.all(children.map((child) => child.ready))
    for (const child of children) child.go()
    const results = await Promise.all(children.map((child) => child.result))
    const allowed = results.reduce((sum, r) => sum + r.allowed, 0)
    const refused = results.reduce((sum, r) => sum + r.refused, 0)
    expect({ allowed, refused }).toEqual({ allowed: 10, refused: 20 })
  }, 120_000)

  it('a refusal says how long to wait; a fresh key starts from zero', async () => {
    const limiter = createSharedLimiter(ctx.payload, { keyPrefix: 'contract-2', points: 2, duration: 30 })
    await limiter.consume('a')
    const second = await limiter.consume('a')
    expect(second.remainingPoints).toBe(0)
    const refusal = await limiter.consume('a').catch((res) => res)
    expect(refusal.msBeforeNext).toBeGreaterThan(25_000)
    expect((await limiter.consume('b')).remainingPoints).toBe(1)
    await limiter.delete('a')
    expect((await limiter.consume('a')).remainingPoints).toBe(1)
  })

  it.skipIf(sqliteOnly('holds the SQLite write lock from a second libsql client'))('a locked database does not fail the request: the limit holds per process until the store answers', async () => {
    const limiter = createSharedLimiter(ctx.payload, { keyPrefix: 'contract-busy', points: 2, duration: 30 })
    // Another process holding the write lock for longer than the busy timeout (5 s).
    const other = createClient({ url: `file:${ctx.databaseFile}` })
    await other.execute('BEGIN EXCLUSIVE')
    try {
      const outcomes: string[] = []
      for (let i = 0; i < 3; i++) {
        outcomes.push(await limiter.consume('busy').then(() => 'allowed', (res) => (res instanceof Error ? `error: ${res.message}` : 'refused')))
      }
      expect(outcomes).toEqual(['allowed', 'allowed', 'refused'])
    } finally {
      await other.execute('ROLLBACK')
      other.close()
    }
  }, 60_000)
})
