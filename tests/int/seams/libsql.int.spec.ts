import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../../helpers/fixtures'
import { type TestPayload, startTestPayload, stopTestPayloadIfStarted } from '../../helpers/payload'
import { libsqlClientOf, withTurnsBetweenStatements, yieldBetweenStatements } from '../../../src/seams/libsql'

/**
 * The contract of src/seams/libsql.ts on a real SQLite file: the driver runs statements without
 * ever yielding to the event loop; with the seam installed (payload.config.ts onInit), work run
 * through `withTurnsBetweenStatements` (the REST write handlers) waits one turn before each
 * statement, and everything else still runs straight through.
 */
let ctx: TestPayload, api: typeof import('../../helpers/http'), token: string, articleId: number

beforeAll(async () => {
  ctx = await startTestPayload('seam-libsql')
  api = await import('../../helpers/http')
  const { createStaff, PASSWORD } = await import('../../helpers/fixtures')
  await createStaff(ctx.payload)
  token = await api.login('editor@clinic.test', PASSWORD)
  const article = await ctx.payload.create({
    collection: 'articles',
    data: { _status: 'published', title: 'Seam yield', slug: `seam-yield-${Date.now()}`, content: richText('Body.') },
  })
  articleId = article.id as number
})
afterAll(() => stopTestPayloadIfStarted(ctx))

const client = () => libsqlClientOf(ctx.payload) as unknown as { execute: (sql: unknown) => Promise<unknown> }

/** Statements `run` sends, and how many turns of the event loop (a setImmediate chain's ticks) happened meanwhile. */
const turnsDuring = async (run: () => Promise<unknown>) => {
  await new Promise((resolve) => setImmediate(resolve))
  const target = client()
  const own = Object.getOwnPropertyDescriptor(target, 'execute')
  const execute = target.execute
  let statements = 0
  target.execute = (statement: unknown) => {
    statements++
    return execute.call(target, statement)
  }
  let ticks = 0
  let ticking = true
  const tick = () => {
    if (!ticking) return
    ticks++
    setImmediate(tick)
  }
  setImmediate(tick)
  try {
    await run()
  } finally {
    ticking = false
    if (own) Object.defineProperty(target, 'execute', own)
    else delete (target as { execute?: unknown }).execute
  }
  return { statements, ticks }
}

describe('libsql statements and the event loop', () => {
  it('the driver itself never yields: fifty statements run before one setImmediate', async () => {
    // The driver's own execute (the class method), beneath the seam's wrapper on the instance.
    const driver = Object.getPrototypeOf(client()).execute as (this: unknown, sql: string) => Promise<unknown>
    const { ticks } = await turnsDuring(async () => {
      for (let i = 0; i < 50; i++) await driver.call(client(), 'SELECT 1')
    })
    // Would be above 0 if libsql became truly asynchronous: then the seam would be unnecessary.
    expect(ticks).toBe(0)
  })

  it('outside withTurnsBetweenStatements statements run straight through (reads)', async () => {
    const { statements, ticks } = await turnsDuring(() => ctx.payload.find({ collection: 'articles', depth: 2 }))
    expect(statements).toBeGreaterThan(0)
    expect(ticks).toBe(0)
  })

  it('inside it each statement waits a turn: an autosave through the REST PATCH handler lets other work run between its statements', async () => {
    const { statements, ticks } = await turnsDuring(async () => {
      const response = await api.api('PATCH', `/articles/${articleId}?draft=true&autosave=true&depth=0`, {
        body: { title: 'Seam yield, typed' },
        credentials: { token },
      })
      expect(response.status).toBe(200)
    })
    expect(statements).toBeGreaterThan(5)
    expect(ticks).toBeGreaterThanOrEqual(statements)
  })

  it('the same work through the Local API, wrapped and not', async () => {
    const save = (title: string) => ctx.payload.update({ collection: 'articles', id: articleId, draft: true, autosave: true, data: { title } })
    const plain = await turnsDuring(() => save('Seam yield, plain'))
    const wrapped = await turnsDuring(withTurnsBetweenStatements(() => save('Seam yield, wrapped')))
    expect(plain.ticks).toBe(0)
    expect(wrapped.ticks).toBeGreaterThanOrEqual(wrapped.statements)
  })

  it('is installed by the config, once, and only on the SQL adapter', () => {
    const installed = libsqlClientOf(ctx.payload) as unknown as Record<symbol, unknown>
    expect(installed[Symbol.for('clinic.libsqlYieldsBetweenStatements')]).toBe(true)
    expect(yieldBetweenStatements(ctx.payload)).toBe(true)
    expect(yieldBetweenStatements({ db: { find: () => null } } as never)).toBe(false)
  })
})
