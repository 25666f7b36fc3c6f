import { execFile } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'

import { dkimVerify } from 'mailauth/lib/dkim/verify'
import { simpleParser } from 'mailparser'

/**
 * What `npm run check:deliverability` measures on one received message: SpamAssassin's score
 * and rules (Debian's shipped rules, local tests only: no DNS, no network), the HTML part's
 * size, the DKIM result from a real verifier (mailauth) against the key this run published to
 * its own resolver, and the headers mailbox providers look at.
 */

export const MAX_SCORE = 0.5
/** Gmail clips a message whose HTML passes ~102 KB; 90 KB leaves room for a long name or link. */
export const MAX_HTML_BYTES = 90 * 1024

export type SpamReport = { score: number; rules: string[] }

/** A throwaway DKIM key pair and the TXT record a resolver answers for `<selector>._domainkey.<domain>`. */
export const generateDkimKey = () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const publicDer = publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
  return { privatePem, txtRecord: `v=DKIM1; k=rsa; p=${publicDer}` }
}

/** A DNS resolver (dns.promises.resolve's shape) that knows one DKIM key and nothing else. */
export const dkimResolver = (domain: string, selector: string, txtRecord: string) => async (name: string, type: string) => {
  if (type === 'TXT' && name.toLowerCase() === `${selector}._domainkey.${domain}`.toLowerCase()) return [[txtRecord]]
  const error = new Error(`queryTxt ENOTFOUND ${name}`) as Error & { code: string }
  error.code = 'ENOTFOUND'
  throw error
}

export type DkimReport = { pass: boolean; info: string; signedHeaders: string[] }

export const verifyDkim = async (raw: string, resolver: ReturnType<typeof dkimResolver>): Promise<DkimReport> => {
  const result = (await dkimVerify(Buffer.from(raw), { resolver })) as {
    results: Array<{ info: string; status: { result: string }; signingHeaders?: { keys?: string } }>
  }
  const first = result.results[0]
  if (!first) return { pass: false, info: 'dkim=none (no signature)', signedHeaders: [] }
  const keys = first.signingHeaders?.keys ?? ''
  return { pass: result.results.every((entry) => entry.status.result === 'pass'), info: first.info, signedHeaders: keys.split(':').map((key) => key.trim().toLowerCase()).filter(Boolean) }
}

const run = (command: string, args: string[], input: string) =>
  new Promise<string>((resolve, reject) => {
    const child = execFile(command, args, { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (error, stdout) => {
      // spamassassin -t exits 0 for ham and 1 for spam when --exitcode is given; we do not give it.
      if (error && !stdout) reject(error)
      else resolve(stdout)
    })
    child.stdin!.end(input)
  })

/**
 * `spamassassin -t -L`: test mode (the message and its report), local tests only. The score
 * and rules come from the X-Spam-Status header it adds.
 */
export const spamAssassin = async (raw: string): Promise<SpamReport> => {
  const output = await run('spamassassin', ['-t', '-L'], raw)
  const headerEnd = output.search(/\r?\n\r?\n/)
  const headers = output.slice(0, headerEnd).replace(/\r?\n[ \t]+/g, ' ')
  const status = /^X-Spam-Status: .*$/m.exec(headers)?.[0]
  if (!status) throw new Error('spamassassin added no X-Spam-Status header: is it installed (apt-get install spamassassin)?')
  const score = Number(/score=(-?[\d.]+)/.exec(status)?.[1])
  const rules = (/tests=(.*?)(?:\s+(?:autolearn|version)=|$)/.exec(status)?.[1] ?? '').split(',').map((rule) => rule.trim()).filter((rule) => rule && rule !== 'none')
  return { score, rules }
}

/**
 * The same message as it arrives through a relay whose address has no reverse DNS: one
 * Received header from such a host, what SpamAssassin's RDNS_NONE rule and its combinations
 * look at. Not a gate (a relay's DNS is the operator's, README "Deliverability"); shown so a
 * template trick that only costs points there (tiny hidden text) is visible.
 */
export const behindRelayWithoutRdns = (raw: string) =>
  `Received: from relay.invalid (unknown [37.120.45.25])\r\n\tby mx.example.net with ESMTPS id check; ${new Date().toUTCString()}\r\n${raw}`

export type ParsedMail = Awaited<ReturnType<typeof simpleParser>>
export const parseMail = (raw: string) => simpleParser(raw)

export const htmlBytes = (mail: ParsedMail) => (typeof mail.html === 'string' ? Buffer.byteLength(mail.html) : 0)
