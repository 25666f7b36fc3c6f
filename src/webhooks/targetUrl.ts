import dns from 'node:dns'
import net from 'node:net'

import ipaddr from 'ipaddr.js'

/** A webhook URL is a request this server makes on an admin's behalf: keep it plain. */
export const MAX_WEBHOOK_URL_LENGTH = 2000

/**
 * Private targets (loopback, RFC 1918, link-local incl. cloud metadata 169.254.169.254,
 * unique-local IPv6, and every other non-public range) are allowed by default: webhooks are admin-only, and the clinic's
 * own front end often sits next to the CMS (http://web:3000/revalidate in
 * docker-compose). Hosted setups where admins are not fully trusted set
 * `WEBHOOK_BLOCK_PRIVATE_TARGETS=true`: then such URLs are refused when saved, and
 * every delivery's DNS answer is checked at connect time (so a name that later resolves
 * to a private address is refused too).
 */
export const privateTargetsBlocked = () => process.env.WEBHOOK_BLOCK_PRIVATE_TARGETS === 'true'

/**
 * Only public unicast addresses are callable when private targets are blocked: everything
 * ipaddr.js files under another range (loopback, private, link-local, carrier-grade NAT,
 * 198.18.0.0/15 benchmarking, 192.0.0.0/24, documentation, multicast, reserved, …) is
 * refused. IPv6 forms that carry an IPv4 address are judged by that address, so
 * `[::ffff:127.0.0.1]` or NAT64 `[64:ff9b::7f00:1]` cannot smuggle loopback past the check.
 * The decision is made on the address alone, never by connecting to it.
 */
export const blockedAddressReason = (address: string): string | null => {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6
  try {
    parsed = ipaddr.parse(address)
  } catch {
    return null // a host name: its DNS answers are checked at connect time (guardedLookup)
  }
  return blockedReason(parsed)
}

const blockedReason = (ip: ipaddr.IPv4 | ipaddr.IPv6): string | null => {
  if (ip.kind() === 'ipv4') {
    const range = ip.range()
    return range === 'unicast' ? null : `${ip.toString()} (${range})`
  }
  const v6 = ip as ipaddr.IPv6
  const embedded = embeddedIPv4(v6)
  if (embedded) {
    // 6to4 and Teredo are deprecated tunnels no webhook receiver needs: refused whatever
    // they carry. The other forms reach the IPv4 host they name.
    if (embedded.always) return `${v6.toString()} (${embedded.via} of ${embedded.address.toString()})`
    const inner = blockedReason(embedded.address)
    return inner ? `${v6.toString()} (${embedded.via} of ${inner})` : null
  }
  // RFC 8215 local-use NAT64 prefix: translated by the operator's own gateway.
  if (v6.match(LOCAL_USE_NAT64)) return `${v6.toString()} (local-use NAT64)`
  // Deprecated site-local fec0::/10 is not in ipaddr.js's list, but is not public either.
  if (v6.match(SITE_LOCAL)) return `${v6.toString()} (site-local)`
  const range = v6.range()
  return range === 'unicast' ? null : `${v6.toString()} (${range})`
}

const LOCAL_USE_NAT64 = ipaddr.parseCIDR('64:ff9b:1::/48') as [ipaddr.IPv6, number]
const SITE_LOCAL = ipaddr.parseCIDR('fec0::/10') as [ipaddr.IPv6, number]

const ipv4FromWords = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff])

/** The IPv4 address an IPv6 address carries, by the standard that puts it there. */
const embeddedIPv4 = (ip: ipaddr.IPv6): { address: ipaddr.IPv4; via: string; always?: boolean } | null => {
  const words = ip.parts
  switch (ip.range()) {
    case 'ipv4Mapped':
      return { address: ip.toIPv4Address(), via: 'IPv4-mapped form' }
    case 'rfc6145':
      return { address: ipv4FromWords(words[6], words[7]), via: 'IPv4-translated form' }
    case 'rfc6052':
      return { address: ipv4FromWords(words[6], words[7]), via: 'NAT64' }
    case '6to4':
      return { address: ipv4FromWords(words[1], words[2]), via: '6to4', always: true }
    case 'teredo':
      // The client's address is stored inverted in the last 32 bits.
      return { address: ipv4FromWords(words[6] ^ 0xffff, words[7] ^ 0xffff), via: 'Teredo', always: true }
  }
  // IPv4-compatible ::a.b.c.d (deprecated): the first 96 bits are zero. :: and ::1 are
  // unspecified and loopback in their own right.
  if (words.slice(0, 6).every((word) => word === 0) && (words[6] !== 0 || words[7] > 1)) {
    return { address: ipv4FromWords(words[6], words[7]), via: 'IPv4-compatible form' }
  }
  return null
}

export const isPrivateAddress = (address: string): boolean => blockedAddressReason(address) !== null

/** The hostname without IPv6 brackets or a root dot (`localhost.`), as `net.isIP` expects it. */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '')

/** Why `value` cannot be a webhook URL, or null when it can. Messages say what to fix. */
export const webhookUrlProblem = (value: unknown): string | null => {
  if (typeof value !== 'string' || !value.trim()) return 'Enter the URL to post to, e.g. https://example.com/hooks/cms.'
  const text = value.trim()
  if (text.length > MAX_WEBHOOK_URL_LENGTH) return `The URL is ${text.length} characters long; at most ${MAX_WEBHOOK_URL_LENGTH} are allowed.`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return `"${text.slice(0, 80)}" is not a URL: write it in full, e.g. https://example.com/hooks/cms.`
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `Only http:// and https:// URLs can receive webhooks, not ${url.protocol}//.`
  if (url.username || url.password) {
    return 'Remove the user name and password from the URL: deliveries are authenticated by their X-Webhook-Signature header.'
  }
  if (!url.hostname) return 'The URL needs a host name.'
  if (privateTargetsBlocked()) {
    const host = bareHost(url).toLowerCase()
    if (host === 'localhost' || host.endsWith('.localhost')) {
      return `${host} is a loopback address, which this server is configured not to call (WEBHOOK_BLOCK_PRIVATE_TARGETS=true).`
    }
    const reason = blockedAddressReason(host)
    if (reason) return `${reason} is not a public address, which this server is configured not to call (WEBHOOK_BLOCK_PRIVATE_TARGETS=true).`
  }
  return null
}

/**
 * `lookup` for node:http(s) requests: refuses private addresses at connect time when
 * they are blocked, so DNS cannot be used to reach them after the URL was validated.
 */
export const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return (callback as (...args: unknown[]) => void)(error)
    const list = addresses as dns.LookupAddress[]
    if (privateTargetsBlocked()) {
      const blocked = list.map((entry) => blockedAddressReason(entry.address)).find((reason) => reason !== null)
      if (blocked) {
        const refusal = Object.assign(new Error(`${hostname} resolves to ${blocked}, not a public address; this server does not call it.`), {
          code: 'EPRIVATETARGET',
        })
        return (callback as (...args: unknown[]) => void)(refusal)
      }
    }
    if ((options as dns.LookupOptions).all) return (callback as (...args: unknown[]) => void)(null, list)
    return callback(null, list[0].address, list[0].family)
  })
}

/** Host literals skip `lookup` entirely in Node, so they are checked before connecting. */
export const literalTargetProblem = (url: URL): string | null => {
  const host = bareHost(url)
  const reason = privateTargetsBlocked() && net.isIP(host) ? blockedAddressReason(host) : null
  return reason ? `${reason} is not a public address, which this server is configured not to call (WEBHOOK_BLOCK_PRIVATE_TARGETS=true).` : null
}
