import { createLocalReq, type PayloadRequest } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../../helpers/fixtures'
import { type TestPayload, stopTestPayloadIfStarted } from '../../helpers/payload'
import { startStaffPayload, type StaffPayload } from '../../helpers/staffPayload'
import * as loader from '../../../src/seams/requestDataLoader'

/**
 * The contract of src/seams/requestDataLoader.ts on a real SQLite file: the request's
 * DataLoader batches one tick's loads into one find, applies the reader's access and the select.
 */
let ctx: TestPayload, editor: StaffPayload['staff']['editor']

let counter = 0
const article = (status: 'draft' | 'published') =>
  ctx.payload.create({
    collection: 'articles',
    draft: status === 'draft',
    data: { _status: status, title: `Seam ${status} ${++counter}`, slug: `seam-req-${counter}-${Date.now()}`, content: richText('Body.') },
  })
/** Counts the adapter's `find` calls on articles while `run` runs (the real adapter, only counted). */
const countingFinds = async <T>(run: () => Promise<T>) => {
  const db = ctx.payload.db
  const original = db.find
  const calls: unknown[] = []
  db.find = (async (args: Parameters<typeof original>[0]) => {
    if (args.collection === 'articles') calls.push(args.where)
    return original.call(db, args)
  }) as typeof original
  try {
    return { result: await run(), calls }
  } finally {
    db.find = original
  }
}

beforeAll(async () => {
  ;({ ctx, staff: { editor } } = await startStaffPayload('seam-dataloader'))
})

afterAll(() => stopTestPayloadIfStarted(ctx))

describe('loadThroughRequest (the request DataLoader)', () => {
  it('batches the loads of one tick into one find, and applies the select', async () => {
    const [a, b, c] = [await article('published'), await article('published'), await article('published')]
    const req = await createLocalReq({}, ctx.payload)
    const { result, calls } = await countingFinds(() =>
      Promise.all([a, b, c].map((doc) => loader.loadThroughRequest<Record<string, unknown>>(req, { collection: 'articles', id: doc.id, select: { title: true } }))),
    )
    expect(result.map((doc) => doc?.title)).toEqual([a.title, b.title, c.title])
    expect(result[0]).not.toHaveProperty('content')
    expect(calls).toHaveLength(1)
  })

  it("answers with the reader's access: a draft is null for an anonymous reader, there for staff", async () => {
    const draft = await article('draft')
    const anonymous = await createLocalReq({}, ctx.payload)
    expect(await loader.loadThroughRequest(anonymous, { collection: 'articles', id: draft.id, select: { title: true } })).toBeNull()
    // Published versions only (draft: false): staff get the main document row.
    const staff = await createLocalReq({ user: { ...editor, collection: 'users' } as never }, ctx.payload)
    expect(await loader.loadThroughRequest(staff, { collection: 'articles', id: draft.id, select: { title: true } })).toMatchObject({ id: draft.id })
  })

  it('is null for a document that does not exist', async () => {
    const req = await createLocalReq({}, ctx.payload)
    expect(await loader.loadThroughRequest(req, { collection: 'articles', id: 987654, select: { title: true } })).toBeNull()
  })
})

