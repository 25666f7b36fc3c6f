import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { guardedLookup, isPrivateAddress, literalTargetProblem, webhookUrlProblem } from '../../src/webhooks/targetUrl'

// In-process only: the blocklist is a decision about an address, never a connection to it.
describe('webhook targets with WEBHOOK_BLOCK_PRIVATE_TARGETS=true', () => {
  beforeEach(() => {
    process.env.WEBHOOK_BLOCK_PRIVATE_TARGETS = 'true'
  })
  afterEach(() => {
    delete process.env.WEBHOOK_BLOCK_PRIVATE_TARGETS
  })

  const blockedUrls = [
    // ranges the old list missed
    'http://198.18.0.1/hook', // benchmarking 198.18.0.0/15
    'http://198.19.255.254/hook',
    'http://192.0.0.8/hook', // IETF protocol assignments 192.0.0.0/24
    'http://192.0.2.10/hook', // documentation
    'http://224.0.0.1/hook', // multicast
    'http://255.255.255.255/hook',
    'http://240.0.0.1/hook',
    // IPv6 forms that embed a private IPv4
    'http://[64:ff9b::7f00:1]/hook', // NAT64 of 127.0.0.1
    'http://[64:ff9b::a9fe:a9fe]/hook', // NAT64 of 169.254.169.254
    'http://[64:ff9b:1::a00:1]/hook', // local-use NAT64 (RFC 8215)
    'http://[::ffff:127.0.0.1]/hook', // IPv4-mapped
    'http://[::ffff:0:7f00:1]/hook', // IPv4-translated (RFC 6145)
    'http://[::127.0.0.1]/hook', // IPv4-compatible
    'http://[::a9fe:a9fe]/hook',
    'http://[2002:7f00:1::1]/hook', // 6to4 of 127.0.0.1
    'http://[2002:c0a8:101::1]/hook', // 6to4 of 192.168.1.1
    'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook', // Teredo, client 127.0.0.1
    'http://[ff02::1]/hook', // multicast
    'http://[fec0::1]/hook', // site-local (deprecated)
    'http://[2001:db8::1]/hook', // documentation
    'http://[100::1]/hook', // discard
    // IPv4 host spellings the URL parser turns into 127.0.0.1
    'http://2130706433/hook',
    'http://0x7f.1/hook',
    'http://0177.0.0.1/hook',
    'http://0x7f000001/hook',
    'http://127.1/hook',
    // old cases stay blocked
    'http://127.0.0.1/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://[fd00::1]/hook',
    'http://0.0.0.0/hook',
    'http://localhost:3000/hook',
  ]

  it.each(blockedUrls)('refuses %s', (url) => {
    expect(webhookUrlProblem(url)).toMatch(/WEBHOOK_BLOCK_PRIVATE_TARGETS/)
    expect(literalTargetProblem(new URL(url)) ?? webhookUrlProblem(url)).toMatch(/WEBHOOK_BLOCK_PRIVATE_TARGETS/)
  })

  const allowedUrls = [
    'https://example.com/hook',
    'http://93.184.216.34/hook',
    'http://8.8.8.8/hook',
    'http://[2606:4700:4700::1111]/hook',
    'http://[64:ff9b::808:808]/hook', // NAT64 of 8.8.8.8: a public host seen from an IPv6-only network
    'http://[::ffff:8.8.8.8]/hook',
  ]

  it.each(allowedUrls)('accepts %s', (url) => {
    expect(webhookUrlProblem(url)).toBeNull()
    expect(literalTargetProblem(new URL(url))).toBeNull()
  })

  it('judges resolver answers the same way (what guardedLookup checks at connect time)', () => {
    for (const address of ['::ffff:127.0.0.1', '64:ff9b::c0a8:1', '2002:a00:1::', '198.18.5.5', '192.0.0.170', '::ffff:a00:1']) {
      expect(isPrivateAddress(address), address).toBe(true)
    }
    for (const address of ['93.184.216.34', '2606:4700:4700::1111', '::ffff:93.184.216.34']) {
      expect(isPrivateAddress(address), address).toBe(false)
    }
  })

  it('refuses a name that resolves to loopback before any connection is made', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup('localhost', { all: true }, (err) => resolve(err)))
    expect(error?.code).toBe('EPRIVATETARGET')
  })

  it('names the embedded address when an IPv6 form hides one', () => {
    expect(webhookUrlProblem('http://[64:ff9b::7f00:1]/')).toMatch(/127\.0\.0\.1/)
    expect(webhookUrlProblem('http://[2002:c0a8:101::1]/')).toMatch(/192\.168\.1\.1/)
  })
})

describe('webhook targets by default (private allowed)', () => {
  it('accepts private targets', () => {
    expect(webhookUrlProblem('http://127.0.0.1:3000/hook')).toBeNull()
    expect(webhookUrlProblem('http://[64:ff9b::7f00:1]/hook')).toBeNull()
  })
})
