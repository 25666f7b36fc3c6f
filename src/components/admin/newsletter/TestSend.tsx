'use client'

import { useFormModified } from '@payloadcms/ui'
import React, { useState } from 'react'

import { errorMessage } from './shared'
import { box, MessageLine, noMargin, PanelButton, type Message } from './ui'

type SentTest = { sentTo: string; outboxFile?: string; htmlBytes?: number; htmlSizeWarning?: string }

/** What the owner is told after a test: her inbox, or (no SMTP_URL, development) the file to open; and the email's size. */
export const testSentMessage = ({ sentTo, outboxFile, htmlBytes }: SentTest) =>
  (outboxFile
    ? `No mail server is set up (SMTP_URL is empty), so nothing was emailed: the test for ${sentTo} was written to ${outboxFile}. Open that file in a mail program to see it.`
    : `Test sent to ${sentTo}. Check your inbox.`) + (htmlBytes ? ` Email size: ${(htmlBytes / 1024).toFixed(1)} KB of HTML.` : '')

/** "Send test to me": the last saved version, subject marked [Test], to the logged-in user. */
export const TestSend: React.FC<{ id: number | string; busy: boolean; setBusy: (busy: boolean) => void }> = ({ id, busy, setBusy }) => {
  const modified = useFormModified()
  const [message, setMessage] = useState<Message>(null)

  const sendTest = async () => {
    setBusy(true)
    setMessage(null)
    try {
      const response = await fetch(`/api/newsletters/${id}/send-test`, { method: 'POST', credentials: 'include' })
      if (!response.ok) throw new Error(await errorMessage(response, 'The test email was not sent'))
      const sent = (await response.json()) as SentTest
      setMessage(sent.htmlSizeWarning ? { kind: 'error', text: `${testSentMessage(sent)} ${sent.htmlSizeWarning}` } : { kind: 'ok', text: testSentMessage(sent) })
    } catch (caught) {
      setMessage({ kind: 'error', text: (caught as Error).message })
    } finally {
      setBusy(false)
    }
  }

  return (
    <div style={box}>
      <h4 id="newsletter-send-heading" style={noMargin}>
        Test
      </h4>
      <p style={{ margin: 'calc(var(--base) * 0.5) 0', color: 'var(--theme-elevation-600)' }}>
        {modified ? 'Save first: the test uses the last saved version.' : 'Sends the newsletter, subject marked [Test], to your own address.'}
      </p>
      <PanelButton disabled={busy || modified} onClick={() => void sendTest()}>
        Send test to me
      </PanelButton>
      <MessageLine message={message} />
    </div>
  )
}
