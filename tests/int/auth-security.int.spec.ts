import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createStaff, PASSWORD } from '../helpers/fixtures'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'
import { clientAddressHeaders } from '../../src/security/clientIp'
import { waitFor } from '../helpers/waitFor'
import { stopMailingTest } from '../helpers/outgoingMail'

let ctx: TestPayload
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let http: typeof import('../helpers/http')

const OWNER = 'owner@clinic.test'
let addressCounter = 0
/** A client address no other test used: its own counters. */
const freshAddress = () => clientAddressHeaders(`10.${20 + Math.floor(++addressCounter / 250)}.${addressCounter % 250}.7`)

beforeAll(async () => {
  sink = await startSmtpSink()
  process.env.SMTP_URL = sink.url
  process.env.EMAIL_FROM = 'Stevenson Clinic <front-desk@stevenson-clinic.test>'
  process.env.LOGIN_LIMIT_PER_IP = '12'
  process.env.LOGIN_LIMIT_PER_ACCOUNT_AND_IP = '5'
  process.env.FORGOT_PASSWORD_LIMIT_PER_IP = '3'
  ctx = await startTestPayload('auth-security')
  http = await import('../helpers/http')
})

afterAll(() => stopMailingTest(ctx, sink))

const login = (email: string, password: string, headers: Record<string, string>) =>
  http.api('POST', '/users/login', { body: { email, password }, headers })

const errorMessage = (json: any): string => json?.errors?.[0]?.message ?? ''

describe('password policy', () => {
  it('the first-user form refuses a short or common password with a message, then accepts a good one', async () => {
    for (const password of ['abc', 'short-pass1', 'Password123456!', 'qwertyuiop123', 'aaaaaaaaaaaaaaaa']) {
      const refused = await http.api('POST', '/users/first-register', {
        body: { email: OWNER, password, 'confirm-password': password },
        headers: freshAddress(),
      })
      expect(refused.status, `${password}: ${refused.text}`).toBe(400)
      expect(JSON.stringify(refused.json)).toMatch(/at least 12 characters|most commonly used/)
    }
    await createStaff(ctx.payload)
  })

  it('create and update refuse weak passwords (400, on the password field)', async () => {
    const token = await http.login(OWNER, PASSWORD)
    const created = await http.api('POST', '/users', {
      body: { email: 'weak@clinic.test', password: 'letmein' },
      credentials: { token },
      headers: freshAddress(),
    })
    expect(created.status).toBe(400)
    expect(created.json.errors[0].data.errors[0]).toMatchObject({ path: 'password', message: expect.stringMatching(/at least 12 characters/) })
    const { docs } = await ctx.payload.find({ collection: 'users', where: { email: { equals: 'editor@clinic.test' } } })
    const updated = await http.api('PATCH', `/users/${docs[0].id}`, { body: { password: 'password1234' }, credentials: { token } })
    expect(updated.status).toBe(400)
    expect(updated.json.errors[0].data.errors[0].message).toMatch(/most commonly used/)
  })
})

describe('login throttling', () => {
  it('a stranger guessing the owner\'s password from another address does not lock the owner out', async () => {
    const stranger = freshAddress()
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await login(OWNER, `wrong-guess-number-${i}`, stranger)).status)
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    expect(statuses.slice(5)).toEqual([429, 429, 429])

    const owner = await login(OWNER, PASSWORD, freshAddress())
    expect(owner.status, owner.text).toBe(200)
  })

  it('a throttled login answers 429 with Retry-After and a message a person can act on', async () => {
    const stranger = freshAddress()
    for (let i = 0; i < 5; i++) await login(OWNER, `another-wrong-guess-${i}`, stranger)
    const refused = await login(OWNER, `another-wrong-guess-6`, stranger)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60)
    expect(errorMessage(refused.json)).toMatch(/Too many login attempts.*Try again in \d+ minutes/)
    // Even the right password waits: a guess that happens to be right is still a guess.
    expect((await login(OWNER, PASSWORD, stranger)).status).toBe(429)
  })

  it('per address: many accounts from one address are throttled too, on REST and GraphQL alike', async () => {
    const sprayer = freshAddress()
    const statuses: number[] = []
    for (let i = 0; i < 13; i++) statuses.push((await login(`nobody${i}@clinic.test`, 'wrong-password-spray', sprayer)).status)
    expect(statuses.filter((s) => s === 401)).toHaveLength(12)
    expect(statuses[12]).toBe(429)
    const graphql = await http.gql(
      'mutation { loginUser(email: "owner@clinic.test", password: "wrong-password-spray") { token } }',
      undefined,
      undefined,
      sprayer,
    )
    expect(graphql.json.errors?.[0]?.message).toMatch(/Too many login attempts/)
    expect(graphql.json.errors?.[0]?.extensions?.statusCode).toBe(429)
    expect(Number(graphql.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('GraphQL loginUser counts towards the same per-account limit', async () => {
    const stranger = freshAddress()
    const messages: string[] = []
    for (let i = 0; i < 6; i++) {
      const result = await http.gql(`mutation { loginUser(email: "${OWNER}", password: "gql-wrong-${i}") { token } }`, undefined, undefined, stranger)
      messages.push(result.json.errors?.[0]?.message ?? 'ok')
    }
    expect(messages[5]).toMatch(/Too many login attempts/)
    expect(messages.slice(0, 5).every((m) => !/Too many/.test(m))).toBe(true)
  })

  it('a successful login clears that address\'s failures for the account', async () => {
    const me = freshAddress()
    // 9 failures in all, more than the 5 allowed, but never 5 in a row.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) expect((await login(OWNER, `typo-${round}-${i}`, me)).status).toBe(401)
      expect((await login(OWNER, PASSWORD, me)).status).toBe(200)
    }
  })
})

describe('no account discovery', () => {
  it('login answers an unknown address exactly like a wrong password', async () => {
    const unknown = await login('no-such-person@clinic.test', 'wrong-password-here', freshAddress())
    const wrong = await login(OWNER, 'wrong-password-here', freshAddress())
    expect(unknown.status).toBe(wrong.status)
    expect(unknown.json).toEqual(wrong.json)
  })

  it('login takes as long for an unknown address as for a staff one (medians of 50)', async () => {
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
    // Ten staff accounts, five wrong passwords each: without the fix Payload would lock an
    // account after five and answer the rest fast, which would hide the leak being measured.
    const staff = Array.from({ length: 10 }, (_, i) => `timing-staff-${i}@clinic.test`)
    for (const email of staff) await ctx.payload.create({ collection: 'users', data: { email, password: PASSWORD, roles: ['editor'] }, overrideAccess: true })
    const time = async (email: string) => {
      const started = performance.now()
      const response = await login(email, 'definitely-not-the-password', freshAddress())
      expect(response.status).toBe(401)
      return performance.now() - started
    }
    const existing: number[] = []
    const unknown: number[] = []
    for (let i = 0; i < 50; i++) {
      existing.push(await time(staff[i % staff.length]))
      unknown.push(await time(`ghost${i}@clinic.test`))
    }
    const result = { existingMs: Math.round(median(existing)), unknownMs: Math.round(median(unknown)) }
    console.log('login timing (median of 50, wrong password):', result)
    expect(Math.abs(result.existingMs - result.unknownMs)).toBeLessThan(Math.max(15, 0.2 * result.existingMs))
  }, 120_000)

  it('forgot-password takes as long for an unknown address as for a staff one (medians of 30)', async () => {
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
    const staff = Array.from({ length: 30 }, (_, i) => `forgetful-${i}@clinic.test`)
    for (const email of staff) await ctx.payload.create({ collection: 'users', data: { email, password: PASSWORD, roles: ['editor'] }, overrideAccess: true })
    const time = async (email: string) => {
      const started = performance.now()
      const response = await http.api('POST', '/users/forgot-password', { body: { email }, headers: freshAddress() })
      expect(response.status).toBe(200)
      return performance.now() - started
    }
    const existing: number[] = []
    const unknown: number[] = []
    for (let i = 0; i < staff.length; i++) {
      existing.push(await time(staff[i]))
      unknown.push(await time(`nobody-forgot-${i}@clinic.test`))
    }
    const result = { existingMs: Math.round(median(existing)), unknownMs: Math.round(median(unknown)) }
    console.log('forgot-password timing (median of 30):', result)
    expect(Math.abs(result.existingMs - result.unknownMs)).toBeLessThan(10)
    // The mails still go out, after the answers.
    await waitFor('a mail to each staff address', () => staff.every((email) => sink.messages.some((m) => m.to.includes(email))), 15_000).catch(() => {})
    expect(staff.filter((email) => !sink.messages.some((m) => m.to.includes(email)))).toEqual([])
  }, 120_000)

  it('forgot-password answers the same for unknown addresses, and is limited per client address', async () => {
    const address = freshAddress()
    const known = await http.api('POST', '/users/forgot-password', { body: { email: 'editor@clinic.test' }, headers: address })
    const unknown = await http.api('POST', '/users/forgot-password', { body: { email: 'ghost@clinic.test' }, headers: address })
    expect(known.status).toBe(200)
    expect(unknown.status).toBe(200)
    expect(unknown.json).toEqual(known.json)
    await http.api('POST', '/users/forgot-password', { body: { email: 'ghost2@clinic.test' }, headers: address })
    const limited = await http.api('POST', '/users/forgot-password', { body: { email: 'ghost3@clinic.test' }, headers: address })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(errorMessage(limited.json)).toMatch(/Too many password reset attempts/)
  })
})

describe('password reset by email', () => {
  const waitForMail = (to: string, after: number) =>
    waitFor(`a mail to ${to}`, () => sink.messages.slice(after).find((message) => message.to.includes(to)), 10_000)

  it('forgot-password sends a mail from the clinic with a working reset link; the new password must meet the policy', async () => {
    const before = sink.messages.length
    const address = freshAddress()
    const asked = await http.api('POST', '/users/forgot-password', { body: { email: 'Editor@Clinic.test' }, headers: address })
    expect(asked.status).toBe(200)
    const mail = await simpleParser((await waitForMail('editor@clinic.test', before)).raw)
    expect(mail.from?.value[0]).toMatchObject({ name: 'Stevenson Clinic', address: 'front-desk@stevenson-clinic.test' })
    const link = /http:\/\/localhost:3000\/admin\/reset\/([0-9a-f]+)/.exec(String(mail.html || mail.text))
    expect(link, String(mail.html)).not.toBeNull()
    const token = link![1]

    const weak = await http.api('POST', '/users/reset-password', { body: { token, password: 'iloveyou' }, headers: address })
    expect(weak.status).toBe(400)
    expect(JSON.stringify(weak.json)).toMatch(/at least 12 characters/)

    const newPassword = 'lantern-orchard-quietly-47'
    const reset = await http.api('POST', '/users/reset-password', { body: { token, password: newPassword }, headers: address })
    expect(reset.status, reset.text).toBe(200)
    expect((await login('editor@clinic.test', newPassword, freshAddress())).status).toBe(200)
    expect((await login('editor@clinic.test', PASSWORD, freshAddress())).status).toBe(401)
  })
})

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, and not Secure while SERVER_URL is http', async () => {
    const response = await login(OWNER, PASSWORD, freshAddress())
    const cookie = response.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/payload-token=/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).not.toMatch(/Secure/)
  })
})
