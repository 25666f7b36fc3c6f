import { LRUCache } from 'lru-cache'

/**
 * Browsers read an API answer from another origin only when it carries
 * `Access-Control-Allow-Origin`, which Payload (`cors` in payload.config.ts) and the response
 * cache (src/cache/cachedResponse.ts) send only to origins in CORS_ORIGINS (and SERVER_URL's own).
 * A front end whose origin is missing there fails in the browser with nothing in the server's
 * log; this says so, once per origin. Bounded: at most MAX_REMEMBERED origins are remembered
 * (least recently seen first out), so a flood of made-up Origin headers costs a fixed amount of
 * memory and at most one line per origin it has not seen recently.
 */
const MAX_REMEMBERED = 1000
/** An Origin header is scheme://host[:port]; anything longer or stranger is logged cut short. */
const MAX_LOGGED_LENGTH = 200

export class UnlistedOriginLog {
  private readonly allowed: ReadonlySet<string>
  private readonly seen = new LRUCache<string, true>({ max: MAX_REMEMBERED })

  constructor(
    allowedOrigins: Iterable<string>,
    private readonly log: (message: string) => void = (message) => console.warn(message),
  ) {
    this.allowed = new Set(allowedOrigins)
  }

  /** Notes a request's Origin header; true when this is the first sight of an unlisted one (and it was logged). */
  note(origin: string | string[] | undefined): boolean {
    if (typeof origin !== 'string' || !origin || origin === 'null' || this.allowed.has(origin)) return false
    if (this.seen.has(origin)) return false
    this.seen.set(origin, true)
    const shown = JSON.stringify(origin.slice(0, MAX_LOGGED_LENGTH))
    this.log(
      `CORS: a request from origin ${shown} got no Access-Control-Allow-Origin, so a browser there cannot read the answer. ` +
        'If it is one of your front ends, add it to CORS_ORIGINS (comma-separated, e.g. https://www.example-clinic.com). Logged once per origin.',
    )
    return true
  }
}
