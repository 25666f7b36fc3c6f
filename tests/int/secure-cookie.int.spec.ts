import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'

// Before anything loads the config: the cookie settings are part of it.
vi.hoisted(() => {
  process.env.SERVER_URL = 'https://cms.stevenson-clinic.test'
})

let ctx: TestPayload

beforeAll(async () => {
  ctx = await startTestPayload('secure-cookie')
})

afterAll(() => stopTestPayloadIfStarted(ctx))

describe('session cookie over https', () => {
  it('is Secure when SERVER_URL is https', async () => {
    const { createStaff, PASSWORD } = await import('../helpers/fixtures')
    const { api } = await import('../helpers/http')
    await createStaff(ctx.payload)
    const response = await api('POST', '/users/login', { body: { email: 'owner@clinic.test', password: PASSWORD } })
    expect(response.status, response.text).toBe(200)
    expect(response.headers.get('set-cookie')).toMatch(/;\s*Secure/i)
  })
})
