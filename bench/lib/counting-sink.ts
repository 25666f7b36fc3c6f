import { fork } from 'node:child_process'
import path from 'node:path'

export type CountingSink = {
  /** `smtp://127.0.0.1:<port>` */
  smtpUrl: string
  /** Messages received so far with exactly this subject. */
  count: (subject: string) => Promise<number>
  close: () => void
}

/**
 * An SMTP server that accepts every message and counts them by subject, in its own process
 * (counting-sink-process.ts), so that a bench's sender does not share its event loop.
 */
export const startCountingSink = async (): Promise<CountingSink> => {
  const sink = fork(path.join(import.meta.dirname, 'counting-sink-process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise<number>((resolve) => sink.once('message', (message: { port: number }) => resolve(message.port)))
  // One question at a time: the answers carry no subject, so they are matched by order.
  let queue = Promise.resolve(0)
  const count = (subject: string) =>
    (queue = queue.then(
      () =>
        new Promise<number>((resolve) => {
          sink.once('message', (message: { count: number }) => resolve(message.count))
          sink.send({ subject })
        }),
    ))
  return { smtpUrl: `smtp://127.0.0.1:${port}`, count, close: () => void sink.kill() }
}
