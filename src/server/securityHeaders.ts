import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'

/**
 * Browser protections sent on every response of `npm start` (cache hits, 304s and refusals
 * included: those never reach Next). `npm run dev` gets the two that no route sets
 * differently from next.config.mjs.
 */
export const securityHeaders = ({ serverUrl, hstsMaxAge }: { serverUrl?: string; hstsMaxAge?: string }): Array<[string, string]> => {
  const headers: Array<[string, string]> = [
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
    // The admin must not be framed by other sites (clickjacking); its own preview frames are same-origin.
    ['X-Frame-Options', 'SAMEORIGIN'],
    ['Content-Security-Policy', "frame-ancestors 'self'"],
  ]
  // Only when the public URL is https: browsers ignore it over plain http, and a TLS proxy
  // in front forwards it from here.
  if (serverUrl?.trim().toLowerCase().startsWith('https://')) {
    const maxAge = hstsMaxAge?.trim() ? Number(hstsMaxAge) : 31_536_000
    if (Number.isInteger(maxAge) && maxAge > 0) headers.push(['Strict-Transport-Security', `max-age=${maxAge}; includeSubDomains`])
  }
  return headers
}

/**
 * Adds `headers` to the response when it goes out, each unless the handler set its own:
 * the newsletter preview keeps its stricter `Content-Security-Policy` and
 * `Referrer-Policy: no-referrer`. (Setting them up front would not do: Next keeps a header
 * already present rather than the route's.) Every way a response starts goes through
 * `writeHead`, including Node's implicit one on the first write.
 */
export const sendSecurityHeaders = (res: ServerResponse, headers: Array<[string, string]>) => {
  const writeHead = res.writeHead
  res.writeHead = function writeHeadWithSecurityHeaders(this: ServerResponse, ...args: unknown[]) {
    const last = args[args.length - 1]
    const given = last && typeof last === 'object' ? (last as OutgoingHttpHeaders | string[]) : undefined
    const givenNames = new Set<string>()
    if (Array.isArray(given)) for (let i = 0; i < given.length; i += 2) givenNames.add(String(given[i]).toLowerCase())
    else if (given) for (const name of Object.keys(given)) givenNames.add(name.toLowerCase())
    for (const [name, value] of headers) {
      if (this.hasHeader(name) || givenNames.has(name.toLowerCase())) continue
      if (Array.isArray(given)) given.push(name, value)
      else this.setHeader(name, value)
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args)
  } as typeof res.writeHead
}
