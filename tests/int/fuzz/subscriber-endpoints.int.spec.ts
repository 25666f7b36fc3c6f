/**
 * Property-based fuzz test (fast-check): the subscriber endpoints (signup and the email links). The properties, the knobs and how to
 * reproduce a failure: tests/int/fuzz/rest.int.spec.ts.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { FUZZ_SEED, judge, type Failure } from './judge'
import { sink, routes, manageToken, confirmToken, BASE, invoke, restCall, probe, useFuzzServer, fuzz, GROUP_TIMEOUT } from './server'
import { weirdString, weirdLeaf, toJson, weirdValue, notJson, percentEncode } from './arbitraries'

useFuzzServer('subscriber-endpoints')

describe('fuzz', () => {
  // -------------------------------------------------------------------------------------
  // The project's own endpoints
  // -------------------------------------------------------------------------------------

  it('POST /api/subscribe: random bodies, headers and addresses; no subscriber and no mail on a refusal', { timeout: GROUP_TIMEOUT }, async () => {
    const refusedAddresses = new Set<string>()
    const acceptedAddresses = new Set<string>()
    let index = 0
    const email = fc.oneof(
      { weight: 3, arbitrary: fc.constant('valid') },
      { weight: 1, arbitrary: fc.constantFrom('a@b', 'x@xn--80ak6aa92e.com', 'ann@exаmple.com', 'ann@@example.com', 'ann@example.com\r\nBcc: x@y.z', ' ann@example.com ', 'ANN@EXAMPLE.COM', 'a'.repeat(300) + '@example.com', 'ann+tag@example.com', '"quoted"@example.com', 'ann@[127.0.0.1]', 'ann@localhost', 'ann@example.com.') },
      { weight: 2, arbitrary: weirdLeaf },
    )
    const input = fc.record({
      fields: fc.record(
        { email, name: weirdLeaf, topics: fc.oneof(fc.array(fc.oneof(fc.constantFrom('low-back-pain', 'neck-pain', 'sciatica'), weirdString), { maxLength: 5 }), weirdLeaf), consentText: weirdLeaf, website: fc.oneof(fc.constant(''), weirdLeaf), source: weirdLeaf, extra: weirdValue },
        { requiredKeys: ['email'] },
      ),
      encoding: fc.oneof({ weight: 6, arbitrary: fc.constant('json') }, { weight: 1, arbitrary: fc.constantFrom('raw', 'form', 'no-content-type', 'lying-length') }),
      raw: notJson,
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-16', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx'),
      forwardedFor: fc.oneof({ weight: 4, arbitrary: fc.constant('unique') }, { weight: 1, arbitrary: weirdString.filter((text) => !/[\r\n\u0000]/.test(text) && text.length < 500 && /^[\x20-\x7e]*$/.test(text)) }),
    })
    await fuzz('subscribe', 2, input, async ({ fields, encoding, raw, contentType, forwardedFor }) => {
      const address = `fuzz-${++index}-${FUZZ_SEED}@example.com`
      const body = { ...fields, email: fields.email === 'valid' ? address : fields.email }
      const text = encoding === 'raw' ? raw : encoding === 'form' ? new URLSearchParams({ email: String(body.email) }).toString() : toJson(body)
      const headers: Record<string, string> = {
        'Content-Type': encoding === 'no-content-type' ? '' : encoding === 'json' || encoding === 'lying-length' ? 'application/json' : contentType,
        'X-Forwarded-For': forwardedFor === 'unique' ? `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}` : forwardedFor,
        ...(encoding === 'lying-length' ? { 'Content-Length': '1' } : {}),
      }
      const { holds, answer } = await probe('subscribe', 'POST /api/subscribe', { body: text.slice(0, 3_000), headers }, () => restCall('POST', '/subscribe', 'anonymous', text, headers))
      const addresses = [address, ...(typeof body.email === 'string' ? [body.email.trim().toLowerCase()] : [])]
      if (answer.status >= 400 && answer.status < 500) for (const refused of addresses) refusedAddresses.add(refused)
      // The fixed addresses recur: one that was also accepted once may rightly have mail.
      else if (answer.status < 300) for (const accepted of addresses) acceptedAddresses.add(accepted)
      return holds
    })
    // Mail goes out after the 202, from the signup queue: once it has settled, every signup's
    // mail has been accepted by the sink. Then check none went to a refused signup.
    await (await import('../../../src/subscribers/service')).signupsSettled()
    const onlyRefused = (to: string) => refusedAddresses.has(to.toLowerCase()) && !acceptedAddresses.has(to.toLowerCase())
    const mailed = sink.messages.filter((message) => message.to.some(onlyRefused))
    const failures: Failure[] = mailed.map((message) => ({ kind: 'mail-on-4xx', endpoint: 'POST /api/subscribe', status: 400, error: `mail sent to ${message.to.join(', ')}`, stackTop: '', input: message.to }))
    expect(judge('subscribe-mail-check', failures), failures.map((failure) => failure.error).join('\n')).toBe(true)
  })

  it('/email/confirm, /email/preferences, /email/unsubscribe: random tokens and bodies', { timeout: GROUP_TIMEOUT }, async () => {
    const token = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom('real-manage', 'real-confirm', 'missing', 'empty', 'repeated') },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('real-manage', 'real-confirm'), fc.nat(), weirdString.filter((text) => text.length < 100)).map(([which, at, insert]) => ({ which, at, insert })) },
      { weight: 2, arbitrary: weirdString },
    )
    const input = fc.record({
      page: fc.constantFrom('confirm', 'preferences', 'unsubscribe') as fc.Arbitrary<'confirm' | 'preferences' | 'unsubscribe'>,
      method: fc.constantFrom<'GET' | 'POST'>('GET', 'POST'),
      token,
      contentType: fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data; boundary=----x', 'multipart/form-data', 'application/json', 'text/plain', ''),
      body: fc.oneof(
        fc.constantFrom('List-Unsubscribe=One-Click', 'name=Ann&topics=low-back-pain', 'topics=nope', 'name=%00', 'name=' + 'x'.repeat(200), '------x\r\nContent-Disposition: form-data; name="name"\r\n\r\nAnn\r\n------x--', '%', '&&&=', 'topics=low-back-pain&topics=low-back-pain'),
        fc.array(fc.tuple(fc.constantFrom('name', 'topics', 'List-Unsubscribe', 'token', '__proto__'), weirdString), { maxLength: 5 }).map((pairs) => new URLSearchParams(pairs).toString()),
        notJson,
      ),
    })
    await fuzz('email-pages', 2, input, async ({ page, method, token: tokenChoice, contentType, body }) => {
      const realToken = (which: string) => (which === 'real-manage' ? manageToken : confirmToken)
      let query: string
      if (typeof tokenChoice === 'string' && ['real-manage', 'real-confirm'].includes(tokenChoice)) query = `token=${realToken(tokenChoice)}`
      else if (tokenChoice === 'missing') query = ''
      else if (tokenChoice === 'empty') query = 'token='
      else if (tokenChoice === 'repeated') query = `token=${manageToken}&token=${confirmToken}`
      else if (typeof tokenChoice === 'object') {
        const real = realToken(tokenChoice.which)
        const at = tokenChoice.at % (real.length + 1)
        query = `token=${percentEncode(real.slice(0, at) + tokenChoice.insert + real.slice(at))}`
      } else query = `token=${percentEncode(tokenChoice)}`
      const route = routes.email[page]
      const handler = method === 'POST' ? route.POST : route.GET
      if (!handler) return judge('email-pages', [])
      const { holds } = await probe('email-pages', `${method} /email/${page}`, { query, contentType, body: method === 'POST' ? body.slice(0, 2_000) : undefined }, () =>
        invoke(() =>
          handler(
            new Request(`${BASE}/email/${page}?${query}`, {
              method,
              headers: contentType ? { 'Content-Type': contentType } : {},
              body: method === 'POST' ? body : undefined,
            }),
          ),
        ),
      )
      return holds
    })
  })
})
