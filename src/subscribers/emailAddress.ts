import validator from 'validator'

/**
 * `email`: the address as the person typed it (trimmed, domain lower-cased), for display
 * and sending. `key`: the whole address lower-cased, what identifies one mailbox: RFC 5321
 * lets a local part be case-sensitive, but no mail service a patient uses treats
 * `Pat@` and `pat@` as two people, and treating them as two sent them everything twice.
 */
export type EmailCheck = { ok: true; email: string; key: string } | { ok: false; message: string }

/**
 * Normalises and validates an address with `validator` (not a home-made regex): trimmed,
 * domain lower-cased (the local part is case-sensitive by the RFC, so it is kept), and the
 * domain must be plain ASCII: internationalised and look-alike domains (Cyrillic "а" for
 * Latin "a") are refused, since a clinic's subscribers never need them and attackers do.
 */
/** The mailbox's identity for an address that passed `checkEmailAddress`. */
export const emailKeyOf = (email: string) => email.toLowerCase()

export const checkEmailAddress = (input: unknown): EmailCheck => {
  if (typeof input !== 'string' || !input.trim()) return { ok: false, message: 'An email address is required.' }
  const trimmed = input.trim()
  if (trimmed.length > 254) return { ok: false, message: 'That email address is too long.' }
  if (/[\r\n]/.test(trimmed)) return { ok: false, message: 'An email address cannot contain line breaks.' }
  const at = trimmed.lastIndexOf('@')
  if (at < 1) return { ok: false, message: `"${trimmed}" is not an email address.` }
  const email = `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`
  // eslint-disable-next-line no-control-regex
  if (/[^\x21-\x7e]/.test(email)) {
    return { ok: false, message: 'Use an address made of plain ASCII letters, digits and punctuation.' }
  }
  if (!validator.isEmail(email, { allow_display_name: false, require_tld: true, allow_ip_domain: false, allow_utf8_local_part: false })) {
    return { ok: false, message: `"${email}" is not a valid email address.` }
  }
  return { ok: true, email, key: emailKeyOf(email) }
}
