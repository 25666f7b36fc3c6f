import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../../helpers/fixtures'
import { type TestPayload, startTestPayload, stopTestPayloadIfStarted } from '../../helpers/payload'
import { libsqlClientOf, yieldBetweenStatements } from '../../../src/seams/libsql'

/**
 * The contract of src/seams/libsql.ts on a real SQLite file: the driver runs statements without
 * yielding to the event loop, and with the seam installed (payload.config.ts onInit) a timer runs
 * between the statements of one Payload operation.
 */
let ctx: TestPayload

beforeAll(async () => {
  ctx = await startTestPayload('seam-libsql')
})
afterAll(() => stopTestPayloadIfStarted(ctx))

/** How many statements `run` sends, and how many of a zero-delay timer's ticks happened while it ran. */
const ticksDuring = async (run: () => Promise<unknown>) => {
  const client = libsqlClientOf(ctx.payload)!
  let statements = 0
  const execute = client.execute
  client.execute = (...args: unknown[]) => {
    statements++
    return execute(...args)
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
    client.execute = execute
  }
  return { statements, ticks }
}

describe('libsql statements and the event loop', () => {
  it('the driver itself never yields: fifty statements run before one setImmediate', async () => {
    const client = libsqlClientOf(ctx.payload)!
    // The driver's own execute (the class method), beneath the seam's wrapper on the instance.
    const driver = Object.getPrototypeOf(client).execute as (this: unknown, sql: string) => Promise<unknown>
    let ran = false
    setImmediate(() => {
      ran = true
    })
    for (let i = 0; i < 50; i++) await driver.call(client, 'SELECT 1')
    // Would be true if libsql became truly asynchronous: then the seam would be unnecessary.
    expect(ran).toBe(false)
    await new Promise((resolve) => setImmediate(resolve))
    expect(ran).toBe(true)
  })

  it('lets the event loop turn between the statements of one Payload operation (a draft save)', async () => {
    const article = await ctx.payload.create({
      collection: 'articles',
      data: { _status: 'published', title: 'Seam yield', slug: `seam-yield-${Date.now()}`, content: richText('Body.') },
    })
    const { statements, ticks } = await ticksDuring(() =>
      ctx.payload.update({ collection: 'articles', id: article.id, draft: true, autosave: true, data: { title: 'Seam yield, typed' } }),
    )
    expect(statements).toBeGreaterThan(5)
    // One turn before each statement: other work runs at least that often during the save.
    expect(ticks).toBeGreaterThanOrEqual(statements)
  })

  it('is installed by the config, once, and only on the SQL adapter', () => {
    const client = libsqlClientOf(ctx.payload) as unknown as Record<symbol, unknown>
    expect(client[Symbol.for('clinic.libsqlYieldsBetweenStatements')]).toBe(true)
    expect(yieldBetweenStatements(ctx.payload)).toBe(true)
    expect(yieldBetweenStatements({ db: { find: () => null } } as never)).toBe(false)
  })
})
