import type { Payload } from 'payload'

import type { ReceivedMail } from './smtpSink'

/** Shared by the deliverability tests: one newsletter sent in this process by the worker's own NewsletterRun. */
export const sendNewsletterHere = async (payload: Payload, id: number | string) => {
  const { claimNewsletter, SCHEDULE_SETTLE_MS } = await import('../../jobs/newsletters/store/newsletters')
  const { loadNewsletterSendConfig } = await import('../../jobs/newsletters/config')
  const { NewsletterRun } = await import('../../jobs/newsletters/newsletterRun')
  const { createMailer } = await import('../../emails/transport')
  const config = loadNewsletterSendConfig()
  // A scheduled newsletter is claimable once left alone for SCHEDULE_SETTLE_MS.
  await new Promise((resolve) => setTimeout(resolve, SCHEDULE_SETTLE_MS + 100))
  const claimed = await claimNewsletter(payload, id, 'test-worker', config.leaseMs)
  if (!claimed) throw new Error(`Newsletter ${id} could not be claimed.`)
  const mailer = createMailer({ requeueOnConnectionClose: false, logger: { info: () => {} } })
  try {
    return await new NewsletterRun(payload, mailer, claimed, 'test-worker', config).run()
  } finally {
    mailer.close()
  }
}

/** The message a sink received whose headers contain `needle` (a subject, a recipient). */
export const receivedWith = (messages: ReceivedMail[], needle: string) => {
  const found = messages.filter((mail) => mail.raw.slice(0, mail.raw.search(/\r?\n\r?\n/)).includes(needle))
  if (found.length !== 1) throw new Error(`Expected one message with "${needle}" in its headers, found ${found.length}.`)
  return found[0]!
}

/** A header of a raw message, unfolded; undefined when absent. */
export const headerOf = (raw: string, name: string) => {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ')
  const line = head.split(/\r?\n/).find((entry) => entry.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line?.slice(name.length + 1).trim()
}
