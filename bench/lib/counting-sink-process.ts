/**
 * The benches' SMTP sink process (started by counting-sink.ts), in its own process so it does
 * not share an event loop (or a CPU core's time slice) with the sender being measured. Accepts
 * everything, keeps only a count per subject, and answers `{ count }` to any IPC message with
 * the subject to count.
 */
import { SMTPServer } from 'smtp-server'

const counts = new Map<string, number>()
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 200,
  onData(stream, _session, callback) {
    let head = ''
    stream.on('data', (chunk: Buffer) => {
      if (head.length < 4096) head += chunk.toString('latin1')
    })
    stream.on('end', () => {
      const subject = /^Subject: (.*)$/m.exec(head)?.[1]?.trim() ?? ''
      counts.set(subject, (counts.get(subject) ?? 0) + 1)
      callback()
    })
  },
})
server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as { port: number }
  process.send?.({ port })
})
process.on('message', (message: { subject: string }) => process.send?.({ count: counts.get(message.subject) ?? 0 }))
process.on('disconnect', () => process.exit(0))
