import { createPrivateKey } from 'node:crypto'
import fs from 'node:fs'

/**
 * DKIM signing of every message this process sends (newsletters, subscriber mail, password
 * resets), by nodemailer's own signer. Configured from the environment:
 *
 * - `DKIM_DOMAIN`: the `d=` domain, the From address's domain (or its parent) so DMARC aligns;
 * - `DKIM_SELECTOR`: the `s=` selector, published as `<selector>._domainkey.<domain>` TXT;
 * - `DKIM_PRIVATE_KEY` (the PEM itself; `\n` escapes allowed for one-line env files) or
 *   `DKIM_PRIVATE_KEY_FILE` (a path to it): an RSA key, 2048 bits recommended.
 *
 * All or nothing: a half configuration or a key that cannot be read stops the process at
 * start with a message naming what is missing, rather than sending unsigned mail that an
 * owner believes is signed.
 */

/**
 * The headers the signature covers, when present. Beyond what the issue names (From, Subject,
 * Date, Message-ID, To, List-Unsubscribe, List-Unsubscribe-Post, List-Id): the MIME headers (so
 * a relay cannot swap the body's type) and the bulk-mail headers a filter reads.
 */
export const DKIM_SIGNED_HEADERS = [
  'From',
  'Sender',
  'Reply-To',
  'Subject',
  'Date',
  'Message-ID',
  'To',
  'Cc',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'List-Id',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
  'List-Archive',
  'Feedback-ID',
  'Precedence',
  'Auto-Submitted',
] as const

type Env = Record<string, string | undefined>

export type DkimConfig = { domainName: string; keySelector: string; privateKey: string; headerFieldNames: string }

/** A domain name: labels of letters, digits and hyphens (A-labels: an IDN is given as xn--…). */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i
const SELECTOR = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i

const readKey = (env: Env): { pem: string; from: string } | undefined => {
  const inline = env.DKIM_PRIVATE_KEY?.trim()
  const file = env.DKIM_PRIVATE_KEY_FILE?.trim()
  if (inline && file) throw new Error('DKIM: set DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, not both.')
  if (inline) return { pem: inline.replace(/\\n/g, '\n'), from: 'DKIM_PRIVATE_KEY' }
  if (!file) return undefined
  try {
    return { pem: fs.readFileSync(file, 'utf8'), from: `DKIM_PRIVATE_KEY_FILE (${file})` }
  } catch (error) {
    throw new Error(`DKIM: cannot read DKIM_PRIVATE_KEY_FILE ${file}: ${(error as Error).message}`, { cause: error })
  }
}

/**
 * The signing configuration, `undefined` when DKIM is not configured at all; throws on a half
 * configuration or an unusable key. Reads the environment when called (tests set it first).
 */
export const loadDkimConfig = (env: Env = process.env): DkimConfig | undefined => {
  const domain = env.DKIM_DOMAIN?.trim()
  const selector = env.DKIM_SELECTOR?.trim()
  const key = readKey(env)
  if (!domain && !selector && !key) return undefined
  const missing = [!domain && 'DKIM_DOMAIN', !selector && 'DKIM_SELECTOR', !key && 'DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE'].filter(Boolean)
  if (missing.length) throw new Error(`DKIM is half configured: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (set all three, or none).`)
  if (!DOMAIN.test(domain!)) throw new Error(`DKIM_DOMAIN "${domain}" is not a domain name (e.g. stevensonclinic.com).`)
  if (!SELECTOR.test(selector!)) throw new Error(`DKIM_SELECTOR "${selector}" is not a valid selector (letters, digits, hyphens, dots; e.g. mail2026).`)
  let parsed: ReturnType<typeof createPrivateKey>
  try {
    parsed = createPrivateKey(key!.pem)
  } catch (error) {
    throw new Error(`DKIM: ${key!.from} is not a readable PEM private key: ${(error as Error).message}`, { cause: error })
  }
  // nodemailer signs rsa-sha256 only.
  if (parsed.asymmetricKeyType !== 'rsa') throw new Error(`DKIM: ${key!.from} is a ${parsed.asymmetricKeyType} key; nodemailer signs with RSA keys only.`)
  const bits = parsed.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < 1024) throw new Error(`DKIM: ${key!.from} is a ${bits}-bit RSA key; receivers ignore keys under 1024 bits (use 2048).`)
  return {
    domainName: domain!.toLowerCase(),
    keySelector: selector!,
    privateKey: parsed.export({ type: 'pkcs8', format: 'pem' }).toString(),
    headerFieldNames: DKIM_SIGNED_HEADERS.join(':'),
  }
}
