import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import {
  addressFromSocket,
  clientAddress,
  clientAddressHeaders,
  limiterKeyForAddress,
  stampClientAddress,
  UNVERIFIED_CLIENT,
} from '../../src/security/clientIp'
import { outgoingMailSettled } from '../helpers/outgoingMail'

let ctx: TestPayload
let api: typeof import('../helpers/http').api

beforeAll(async () => {
  process.env.SUBSCRIBE_LIMIT_PER_IP = '3'
  process.env.SMTP_URL = ''
  process.env.EMAIL_OUTBOX_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cms-client-address-outbox-'))
  ctx = await startTestPayload('client-address')
  ;({ api } = await import('../helpers/http'))
})

afterAll(async () => {
  // Mail goes out after the answers: wait until it has reached the sink.
  await outgoingMailSettled()
  if (ctx) await stopTestPayload(ctx)
})

const subscriberByEmail = async (email: string) =>
  (await ctx.payload.find({ collection: 'subscribers', where: { email: { equals: email } }, overrideAccess: true })).docs[0]

describe('signup: the client address is not what the client says', () => {
  it('a fresh X-Forwarded-For / X-Real-IP per request does not escape the per-address limit', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      const response = await api('POST', '/subscribe', {
        body: { email: `forger${i}@example.com` },
        headers: { 'X-Forwarded-For': `10.66.0.${i}`, 'X-Real-IP': `10.77.0.${i}` },
      })
      statuses.push(response.status)
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429])
  })

  it('a forged address header without the process signature counts as the unverified client, not as that address', async () => {
    const response = await api('POST', '/subscribe', {
      body: { email: 'forged-stamp@example.com' },
      headers: { 'x-clinic-client-address': '192.0.2.200', 'x-clinic-client-address-signature': 'bogus' },
    })
    // Same (exhausted) bucket as the test above.
    expect(response.status).toBe(429)
  })

  it('the consent record stores the address the server vouched for, not X-Forwarded-For', async () => {
    const response = await api('POST', '/subscribe', {
      body: { email: 'consent-ip@example.com' },
      headers: { ...clientAddressHeaders('198.51.100.23'), 'X-Forwarded-For': '1.2.3.4', 'X-Real-IP': '5.6.7.8' },
    })
    expect(response.status).toBe(202)
    // The signup is written just after the answer (src/subscribers/service.ts queueSignup).
    await (await import('../../src/subscribers/service')).signupsSettled()
    expect((await subscriberByEmail('consent-ip@example.com'))?.consent?.ip).toBe('198.51.100.23')
  })
})

/** A real node:http server doing what server.ts does, answering the address a handler would see. */
const withStampingServer = async (run: (url: string) => Promise<void>) => {
  const server = http.createServer((req, res) => {
    stampClientAddress(req)
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value)
    res.end(clientAddress({ headers: new Request('http://localhost/', { headers }).headers }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
}

describe('server.ts stamps the socket address', () => {
  const forged = {
    'X-Forwarded-For': '6.6.6.6, 203.0.113.9',
    'X-Clinic-Client-Address': '6.6.6.6',
    'X-Clinic-Client-Address-Signature': 'forged',
  }

  it('without TRUST_PROXY: the socket peer, whatever the headers say', async () => {
    delete process.env.TRUST_PROXY
    await withStampingServer(async (url) => {
      expect(await (await fetch(url, { headers: forged })).text()).toBe('127.0.0.1')
    })
  })

  it('TRUST_PROXY=N: the address N hops from the right of X-Forwarded-For', async () => {
    try {
      process.env.TRUST_PROXY = '1'
      await withStampingServer(async (url) => {
        expect(await (await fetch(url, { headers: forged })).text()).toBe('203.0.113.9')
      })
      process.env.TRUST_PROXY = '2'
      await withStampingServer(async (url) => {
        expect(await (await fetch(url, { headers: forged })).text()).toBe('6.6.6.6')
      })
    } finally {
      delete process.env.TRUST_PROXY
    }
  })

  it('hop arithmetic, IPv4-mapped addresses, garbage and short chains', () => {
    expect(addressFromSocket('::ffff:10.0.0.5', undefined, 0)).toBe('10.0.0.5')
    expect(addressFromSocket('10.0.0.1', 'a, b, 198.51.100.1', 1)).toBe('198.51.100.1')
    expect(addressFromSocket('10.0.0.1', '203.0.113.5', 3)).toBe('203.0.113.5')
    expect(addressFromSocket('10.0.0.1', 'not-an-ip', 1)).toBe('10.0.0.1')
    expect(addressFromSocket(undefined, undefined, 0)).toBe(UNVERIFIED_CLIENT)
  })

  it('limiters count IPv6 per /64', () => {
    expect(limiterKeyForAddress('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(limiterKeyForAddress('2001:db8:1:2:ffff:1:2:3')).toBe('2001:db8:1:2::/64')
    expect(limiterKeyForAddress('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(limiterKeyForAddress('203.0.113.1')).toBe('203.0.113.1')
  })
})
