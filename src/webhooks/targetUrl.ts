import dns from 'node:dns'
import net from 'node:net'

/** A webhook URL is a request this server makes on an admin's behalf: keep it plain. */
export const MAX_WEBHOOK_URL_LENGTH = 2000

/**
 * Private targets (loopback, RFC 1918, link-local incl. cloud metadata 169.254.169.254,
 * unique-local IPv6) are allowed by default: webhooks are admin-only, and the clinic's
 * own front end often sits next to the CMS (http://web:3000/revalidate in
 * docker-compose). Hosted setups where admins are not fully trusted set
 * `WEBHOOK_BLOCK_PRIVATE_TARGETS=true`: then such URLs are refused when saved, and
 * every delivery's DNS answer is checked at connect time (so a name that later resolves
 * to a private address is refused too).
 */
export const privateTargetsBlocked = () => process.env.WEBHOOK_BLOCK_PRIVATE_TARGETS === 'true'

const privateRanges = new net.BlockList()
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  privateRanges.addSubnet(address, prefix, 'ipv4')
}
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  privateRanges.addSubnet(address, prefix, 'ipv6')
}

export const isPrivateAddress = (address: string): boolean => {
  const family = net.isIP(address)
  if (family === 4) return privateRanges.check(address, 'ipv4')
  // BlockList checks IPv4-mapped IPv6 (::ffff:7f00:1, i.e. 127.0.0.1) against the IPv4 ranges.
  if (family === 6) return privateRanges.check(address, 'ipv6')
  return false
}

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
    if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host)) {
      return `${host} is a private or loopback address, which this server is configured not to call (WEBHOOK_BLOCK_PRIVATE_TARGETS=true).`
    }
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
      const blocked = list.find((entry) => isPrivateAddress(entry.address))
      if (blocked) {
        const refusal = Object.assign(new Error(`${hostname} resolves to ${blocked.address}, a private address this server does not call.`), {
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
  if (privateTargetsBlocked() && net.isIP(host) && isPrivateAddress(host)) {
    return `${host} is a private address, which this server is configured not to call (WEBHOOK_BLOCK_PRIVATE_TARGETS=true).`
  }
  return null
}
