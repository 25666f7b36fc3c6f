import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startSmtpSink } from '../helpers/smtpSink'

import { startProductionServer, type RunningServer } from '../helpers/server'
import { waitFor } from '../helpers/waitFor'

let server: RunningServer
let sink: Awaited<ReturnType<typeof startSmtpSink>>

beforeAll(async () => {
  sink = await startSmtpSink()
  server = await startProductionServer('auth', { SUBSCRIBE_LIMIT_PER_IP: '3', LOGIN_LIMIT_PER_ACCOUNT_AND_IP: '5', SMTP_URL: sink.url })
})

afterAll(async () => {
  await server?.stop()
  await sink?.close()
})

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) })

describe('client address and throttling through server.ts (npm start)', () => {
  it('a client cannot pick its address: forged X-Forwarded-For and address headers share the socket address\'s limit', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const response = await post('/subscribe', { email: `forger${i}@example.com` }, {
        'X-Forwarded-For': `10.66.0.${i}`,
        'X-Real-IP': `10.77.0.${i}`,
        'X-Clinic-Client-Address': `10.88.0.${i}`,
        'X-Clinic-Client-Address-Signature': 'forged',
      })
      statuses.push(response.status)
    }
    expect(statuses).toEqual([202, 202, 202, 429])
  })

  it('a throttled login answers 429 with Retry-After and its message (not "An unknown error occurred.")', async () => {
    const password = 'e2e-orchard-lantern-quietly'
    const registered = await post('/users/first-register', { email: 'owner@clinic.test', password, 'confirm-password': password })
    expect(registered.status).toBe(200)
    for (let i = 0; i < 5; i++) expect((await post('/users/login', { email: 'owner@clinic.test', password: `wrong-${i}-guess` })).status).toBe(401)
    const refused = await post('/users/login', { email: 'owner@clinic.test', password: 'wrong-6-guess' })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60)
    expect((await refused.json()).errors[0].message).toMatch(/Too many login attempts from your network\. Try again in \d+ minutes\./)

    const graphql = await post('/graphql', { query: 'mutation { loginUser(email: "owner@clinic.test", password: "wrong-7-guess") { token } }' })
    const { errors } = await graphql.json()
    expect(errors[0]).toMatchObject({ message: expect.stringMatching(/Too many login attempts/), extensions: { statusCode: 429 } })
  })

  it('forgot-password answers the same for staff and unknown addresses, and the staff reset mail arrives', async () => {
    const staff = await post('/users/forgot-password', { email: 'owner@clinic.test' }, {})
    const unknown = await post('/users/forgot-password', { email: 'nobody@clinic.test' }, {})
    expect(staff.status).toBe(200)
    expect(await unknown.json()).toEqual(await staff.json())
    const mail = await waitFor('the reset mail to the owner', () => sink.messages.find((m) => m.to.includes('owner@clinic.test')), 10_000)
    const parsed = await simpleParser(mail.raw)
    expect(String(parsed.html)).toContain(`${server.url}/admin/reset/`)
    expect(sink.messages.some((m) => m.to.includes('nobody@clinic.test'))).toBe(false)
  })
})
