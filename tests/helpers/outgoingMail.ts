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
