import { createLocalReq, type PayloadRequest } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createStaff, richText } from '../../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../../helpers/payload'

/**
 * The contract of src/seams/localRequest.ts on a real SQLite file: the anonymous request built
 * with Payload's createLocalReq has no user, its own DataLoader, and the staff request's transaction.
 */
let ctx: TestPayload
let local: typeof import('../../../src/seams/localRequest')
let editor: Awaited<ReturnType<typeof createStaff>>['editor']

beforeAll(async () => {
  ctx = await startTestPayload('seam-local-request')
  ;({ editor } = await createStaff(ctx.payload))
  local = await import('../../../src/seams/localRequest')
})

afterAll(async () => {
  if (ctx) await stopTestPayload(ctx)
})

describe('anonymousRequestLike (createLocalReq)', () => {
  it('has no user, its own DataLoader, the same transaction and a copy of the context', async () => {
    const staff = await createLocalReq({ user: { ...editor, collection: 'users' } as never, context: { flag: new Map([['k', 1]]) } }, ctx.payload)
    staff.transactionID = 'contract-transaction'
    const anonymous = await local.anonymousRequestLike(staff as PayloadRequest)
    expect(anonymous.user).toBeNull()
    expect(anonymous.payload).toBe(ctx.payload)
    expect(anonymous.payloadDataLoader).toBeDefined()
    expect(anonymous.payloadDataLoader).not.toBe(staff.payloadDataLoader)
    expect(anonymous.transactionID).toBe('contract-transaction')
    expect(anonymous.context).not.toBe(staff.context)
    expect(anonymous.context.flag).toBe(staff.context.flag)
  })

  it("reads what the staff request wrote in its open transaction, as the public would see it", async () => {
    const req = await createLocalReq({ user: { ...editor, collection: 'users' } as never }, ctx.payload)
    const transactionID = await ctx.payload.db.beginTransaction()
    req.transactionID = transactionID ?? undefined
    try {
      const live = await ctx.payload.create({
        collection: 'articles',
        data: { _status: 'published', title: 'In a transaction', slug: `seam-tx-${Date.now()}`, content: richText('Body.') },
        req,
      })
      const draft = await ctx.payload.create({
        collection: 'articles',
        draft: true,
        data: { _status: 'draft', title: 'Draft in a transaction', slug: `seam-txd-${Date.now()}`, content: richText('Body.') },
        req,
      })
      const anonymous = await local.anonymousRequestLike(req)
      const read = (id: number | string) =>
        ctx.payload.findByID({ collection: 'articles', id, depth: 0, draft: false, overrideAccess: false, disableErrors: true, req: anonymous })
      expect(await read(live.id)).toMatchObject({ title: 'In a transaction' })
      expect(await read(draft.id)).toBeNull()
    } finally {
      if (transactionID) await ctx.payload.db.rollbackTransaction(transactionID)
    }
  })
})
