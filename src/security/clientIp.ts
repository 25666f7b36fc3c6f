import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import net from 'node:net'

import { LRUCache } from 'lru-cache'

import { numberFromEnv } from '../../jobs/shared/env'

/**
 * Who is asking: the one place that decides a request's client address, for rate limits
 * (signup, login, forgot-password) and the consent record.
 *
 * Payload's route handlers get a web `Request` without the socket, so the production server
 * (server.ts) works the address out from the socket (plus `TRUST_PROXY`) and hands it over in
 * a header signed with a random key that exists only in this process's memory. Any header of
 * that name a client sends is dropped first, and a forged one would not carry a valid
 * signature anyway. Without a valid stamp (plain `next dev`, `next start`, a test that does
 * not stamp) the address is `UNVERIFIED_CLIENT`: one shared bucket, never a value a client
 * chose. That is fine for development; in production server.ts always stamps.
 */

export const CLIENT_ADDRESS_HEADER = 'x-clinic-client-address'
export const CLIENT_ADDRESS_SIGNATURE_HEADER = 'x-clinic-client-address-signature'
export const UNVERIFIED_CLIENT = 'unverified-client'

/**
 * On globalThis, not in a module variable: Next bundles this module into its route code,
 * a second copy of it in the same process as server.ts. Both must see one key.
 */
const KEY = Symbol.for('stevenson-clinic.client-address-key')
const processKey = (): Buffer => {
  const store = globalThis as unknown as Record<symbol, Buffer | undefined>
  return (store[KEY] ??= randomBytes(32))
}

// An HMAC per request was a measurable share of a cache hit's time (bench:editing's profile,
// issue 15); readers come back from the same addresses, so recent signatures are kept.
const signatures = new LRUCache<string, string>({ max: 10_000 })
const sign = (address: string) => {
  let signature = signatures.get(address)
  if (signature === undefined) {
    signature = createHmac('sha256', processKey()).update(address).digest('base64url')
    signatures.set(address, signature)
  }
  return signature
}

/** `::ffff:203.0.113.7` (IPv4 on a dual-stack socket) is the IPv4 address 203.0.113.7. */
const normalise = (address: string) => {
  const trimmed = address.trim()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)
  return mapped ? mapped[1] : trimmed
}

/**
 * `TRUST_PROXY`: how many reverse proxies stand in front of the server (default 0: none,
 * the socket's peer is the client). With N, the client is the address N hops from the
 * right of `X-Forwarded-For` + the socket peer, as each proxy appends the address it saw.
 * Anything a client writes further left is ignored. Read on every call so tests can set it.
 */
export const trustedProxyCount = () => Math.floor(numberFromEnv('TRUST_PROXY', 0))

export const addressFromSocket = (
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  proxies = trustedProxyCount(),
): string => {
  const peer = normalise(socketAddress ?? '')
  if (proxies <= 0) return peer || UNVERIFIED_CLIENT
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map(normalise)
    .filter(Boolean)
  const chain = [...forwarded, peer]
  // Fewer hops than proxies: the request did not come through all of them; the leftmost is
  // the furthest address any trusted proxy vouched for (as Express's `trust proxy` does).
  const candidate = chain[Math.max(0, chain.length - 1 - proxies)]
  // A proxy passes on whatever it received on the left; only a real IP is an address.
  return net.isIP(candidate) ? candidate : peer || UNVERIFIED_CLIENT
}

/** Headers that carry `address` to this process's route handlers (server.ts, and tests). */
export const clientAddressHeaders = (address: string): Record<string, string> => ({
  [CLIENT_ADDRESS_HEADER]: address,
  [CLIENT_ADDRESS_SIGNATURE_HEADER]: sign(address),
})

/**
 * For server.ts: drops whatever the client sent under our header names and stamps the
 * address computed from the socket. Node lowercases `req.headers` keys, so one delete each
 * covers every spelling.
 */
export const stampClientAddress = (req: IncomingMessage) => {
  delete req.headers[CLIENT_ADDRESS_HEADER]
  delete req.headers[CLIENT_ADDRESS_SIGNATURE_HEADER]
  Object.assign(req.headers, clientAddressHeaders(addressFromSocket(req.socket.remoteAddress, req.headers['x-forwarded-for'])))
}

let warnedUnverified = false

/** The client address of a request that reached a route handler (see the top of this file). */
export const clientAddress = (req: { headers: Headers }): string => {
  const address = req.headers.get(CLIENT_ADDRESS_HEADER)
  const signature = req.headers.get(CLIENT_ADDRESS_SIGNATURE_HEADER)
  if (address && signature) {
    const expected = Buffer.from(sign(address))
    const given = Buffer.from(signature)
    if (expected.length === given.length && timingSafeEqual(expected, given)) return address
  }
  if (!warnedUnverified && process.env.NODE_ENV === 'production') {
    warnedUnverified = true
    console.warn(
      'Client addresses are unknown (no address stamped by server.ts): every client shares one rate-limit bucket. Run the app with `npm start`.',
    )
  }
  return UNVERIFIED_CLIENT
}

/**
 * The key a limiter counts an address under. An IPv6 client usually controls a whole /64
 * (2^64 addresses), so IPv6 addresses count per /64; IPv4 per address.
 */
export const limiterKeyForAddress = (address: string): string => {
  if (net.isIPv6(address)) {
    const [head, tail = ''] = address.split('::')
    const headGroups = head ? head.split(':') : []
    const tailGroups = tail ? tail.split(':') : []
    const groups = address.includes('::')
      ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
      : headGroups
    return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`
  }
  return address
}
