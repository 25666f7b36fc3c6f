import { SMTPServer } from 'smtp-server'

export type ReceivedMail = { from: string; to: string[]; raw: string }

export type SmtpSinkOptions = {
  /** Listen on this port (to bring a stopped sink back at the same address). Default: any free port. */
  port?: number
  /** Answer RCPT TO for `address` with an error (e.g. `{ code: 451, message: '4.7.1 Try later' }`), or accept (undefined). */
  rejectRecipient?: (address: string) => { code: number; message: string } | undefined
}

/** A real SMTP server on loopback that keeps every message it accepts. */
export const startSmtpSink = async (options: SmtpSinkOptions = {}) => {
  const messages: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Many connections from several worker processes and restarts in one test.
    maxClients: 100,
    // On close, drop pooled client connections quickly (default: 30 s) so "server down" means down.
    closeTimeout: 100,
    onRcptTo(address, _session, callback) {
      const rejection = options.rejectRecipient?.(address.address)
      if (!rejection) return callback()
      const error = new Error(rejection.message) as Error & { responseCode: number }
      error.responseCode = rejection.code
      callback(error)
    },
    onData(stream, session, callback) {
      let raw = ''
      stream.setEncoding('utf8')
      stream.on('data', (chunk) => (raw += chunk))
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
        })
        callback()
      })
    },
  })
  // A client killed mid-session (kill -9 tests) resets its socket: not the sink's failure.
  server.on('error', (error: Error & { code?: string }) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') console.error('SMTP sink:', error)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.server.address() as { port: number }
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
