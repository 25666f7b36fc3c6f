import { stopTestPayload, type TestPayload } from './payload'

/**
 * Resolves once every email this process accepted to send after an answer has gone to the
 * SMTP server: queued signups (their confirmation mail), welcome and Payload's system mail.
 * What a test's afterAll waits for before closing the database and the SMTP sink.
 */
export const outgoingMailSettled = async () => {
  const { signupsSettled } = await import('../../src/subscribers/service')
  const { mailAfterAnswerSettled } = await import('../../src/utilities/mailAfterAnswer')
  await signupsSettled()
  await mailAfterAnswerSettled()
}

/**
 * The end of a test file that mails to an SMTP sink: mail goes out after the answers, so wait
 * until it has reached the sink, then stop Payload, then close the sink. Either may be unset
 * when beforeAll failed part-way.
 */
export const stopMailingTest = async (ctx: TestPayload | undefined, sink: { close: () => Promise<unknown> } | undefined) => {
  await outgoingMailSettled()
  if (ctx) await stopTestPayload(ctx)
  await sink?.close()
}
