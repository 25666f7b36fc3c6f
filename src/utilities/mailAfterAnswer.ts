import { drainBeforeExit } from './drainBeforeExit'

/**
 * Mail sent after the request has answered — the welcome email, Payload's system mail
 * (forgot-password) — so that neither its time nor its failure reaches the answer. Tracked
 * here so that it is not fire-and-forget: a graceful stop delivers what was accepted
 * (drainBeforeExit), and tests wait for the fact, `mailAfterAnswerSettled()`, not a pause.
 * On globalThis for the same reason as drainBeforeExit: Next bundles its own module copies.
 */
const KEY = Symbol.for('clinic.mailAfterAnswer')

const pending = (): Set<Promise<void>> => {
  const holder = globalThis as { [KEY]?: Set<Promise<void>> }
  return (holder[KEY] ??= new Set())
}

/**
 * Runs `send` on the next turn of the event loop (once the answer is handed back); a failure
 * goes to `onError` (the caller logs it), never to the request.
 */
export const sendAfterAnswer = (send: () => Promise<unknown>, onError: (error: unknown) => void): void => {
  const task = new Promise<void>((resolve) => setImmediate(resolve))
    .then(send)
    .then(
      () => undefined,
      (error: unknown) => onError(error),
    )
  pending().add(task)
  void task.finally(() => pending().delete(task))
}

/** Resolves once every mail handed to sendAfterAnswer so far (and any they started) is done. */
export const mailAfterAnswerSettled = async () => {
  while (pending().size) await Promise.allSettled([...pending()])
}

drainBeforeExit('mail after answers', mailAfterAnswerSettled)
