import { loadDkimConfig } from './dkim'
import { DEFAULT_FROM, senderDomain } from './headers'

/**
 * What keeps this installation's mail out of the inbox that the owner can fix in its settings,
 * in words she can act on. The worker logs them at start and the newsletter send panel shows
 * them (GET /api/newsletters/deliverability). Empty when all is well. See README "Deliverability".
 */

type Env = Record<string, string | undefined>

/** Domains that exist only on this machine or in documentation: no receiver accepts mail from them as real. */
const NOT_REAL_DOMAIN = /(^|\.)(localhost|local|localdomain|internal|lan|home|test|example|invalid)$|^example\.(com|net|org)$/i
const IP_LITERAL = /^\[?[\d.:a-f]+\]?$/i

const isRealDomain = (domain: string) => domain.includes('.') && !NOT_REAL_DOMAIN.test(domain) && !IP_LITERAL.test(domain)

export const deliverabilityWarnings = (env: Env = process.env): string[] => {
  const warnings: string[] = []
  const serverUrl = env.SERVER_URL?.trim()
  if (!serverUrl) {
    warnings.push('SERVER_URL is not set: every link in every email (unsubscribe, preferences, confirm) points at http://localhost. Set it to this site’s public https address.')
  } else if (!/^https:\/\//i.test(serverUrl)) {
    warnings.push(`SERVER_URL (${serverUrl}) is not https: Gmail and Yahoo require an https one-click unsubscribe link, and readers see "not secure" links. Use the https address.`)
  }
  const fromSetting = env.EMAIL_FROM?.trim()
  const domain = senderDomain(fromSetting || DEFAULT_FROM)
  if (!fromSetting) {
    warnings.push(`EMAIL_FROM is not set: mail goes out from ${DEFAULT_FROM}, which no mailbox provider delivers. Set it to an address on the clinic's own domain.`)
  } else if (!isRealDomain(domain)) {
    warnings.push(`EMAIL_FROM (${fromSetting}) is not on a real domain ("${domain}"): providers refuse or bin such mail. Use an address on the clinic's own domain, with SPF, DKIM and DMARC set up for it.`)
  }
  let dkim: ReturnType<typeof loadDkimConfig>
  try {
    dkim = loadDkimConfig(env)
  } catch (error) {
    warnings.push((error as Error).message)
  }
  const signedByProvider = env.DKIM_SIGNED_BY_PROVIDER?.trim().toLowerCase() === 'true'
  if (!dkim && !signedByProvider && !warnings.some((warning) => warning.startsWith('DKIM'))) {
    warnings.push('DKIM is not configured: set DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY (or DKIM_PRIVATE_KEY_FILE), or DKIM_SIGNED_BY_PROVIDER=true if your mail relay signs for you. Gmail and Yahoo reject unsigned bulk mail.')
  }
  if (dkim && isRealDomain(domain) && domain !== dkim.domainName && !domain.endsWith(`.${dkim.domainName}`)) {
    warnings.push(`DKIM_DOMAIN (${dkim.domainName}) does not match the From domain (${domain}): DMARC needs them aligned. Sign with d=${domain} (or a parent domain of it).`)
  }
  return warnings
}
