import { createLocalReq, type PayloadRequest } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../../helpers/fixtures'
import { type TestPayload, stopTestPayloadIfStarted } from '../../helpers/payload'
import { startStaffPayload, type StaffPayload } from '../../helpers/staffPayload'
import * as local from '../../../src/seams/localRequest'

/**
 * The contract of src/seams/localRequest.ts on a real SQLite file: the anonymous request built
 * with Payload's createLocalReq has no user, its own DataLoader, and the staff request's transaction.
 */
let ctx: TestPayload, editor: StaffPayload['staff']['editor']

beforeAll(async () => {
  ;({ ctx, staff: { editor } } = await startStaffPayload('seam-local-request'))
})

afterAll(() => stopTestPayloadIfStarted(ctx))

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
