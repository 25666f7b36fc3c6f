import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { PASSWORD } from '../helpers/fixtures'
import { httpApi, localPayloadOnServerData, startProductionServer, type RunningServer } from '../helpers/server'
import { startSmtpSink } from '../helpers/smtpSink'
import { decodedMail, mailsTo } from '../helpers/subscriberPages'
import { startWorker, stopWorkers, type WorkerProcess } from '../helpers/worker'
import { waitFor } from '../helpers/waitFor'

/**
 * A confirmation email outlives a kill -9 of the app between its record and its send: `npm
 * start` records it and its first attempt is refused for now (451, as a greylisting server
 * does); the whole server (supervisor, server processes, spare) is killed with SIGKILL; a
 * worker started afterwards sends it, exactly once.
 */
const ADDRESS = 'survives.a.crash@example.com'
const OWNER = 'owner@clinic.test'

let server: RunningServer
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let refusing = true
const workers: WorkerProcess[] = []

beforeAll(async () => {
  sink = await startSmtpSink({ rejectRecipient: (address) => (refusing && address === ADDRESS ? { code: 451, message: '4.7.1 Greylisted, try again later' } : undefined) })
  // The worker's retry comes seconds later, not a minute.
  server = await startProductionServer('transactional-outbox', { SMTP_URL: sink.url, TRANSACTIONAL_RETRY_BASE_MS: '1000', TRANSACTIONAL_RETRY_MAX_MS: '2000' })
  const registered = await httpApi(server.url, 'POST', '/users/first-register', { body: { email: OWNER, password: PASSWORD, 'confirm-password': PASSWORD } })
  expect(registered.status, registered.text).toBeLessThan(300)
})

afterAll(async () => {
  await stopWorkers(workers)
  await server?.stop()
  await sink?.close()
})

describe('a transactional email and kill -9', () => {
  it('recorded, refused for now, the app killed: a worker started later sends it exactly once', async () => {
    const signup = await httpApi(server.url, 'POST', '/subscribe', { body: { email: ADDRESS } })
    expect(signup.status, signup.text).toBe(202)

    // What staff see in the admin: the row, retrying, with the server's answer.
    const token = (await httpApi(server.url, 'POST', '/users/login', { body: { email: OWNER, password: PASSWORD } })).json.token
    const rowAsStaff = async () =>
      (await httpApi(server.url, 'GET', `/transactional-emails?where[to][equals]=${encodeURIComponent(ADDRESS)}`, { token })).json.docs
    const retrying = await waitFor(
      'the confirmation row to be retrying',
      async () => {
        const docs = await rowAsStaff()
        return docs.length === 1 && docs[0].status === 'retrying' ? docs[0] : undefined
      },
      { timeoutMs: 20_000, explain: () => server.output().slice(-3000) },
    )
    expect(retrying).toMatchObject({ kind: 'confirmation', attempts: 1, lastError: expect.stringMatching(/451|Greylisted/) })
    expect(mailsTo(sink.messages, ADDRESS)).toHaveLength(0)

    // kill -9 of everything `npm start` runs.
    process.kill(-server.pid, 'SIGKILL')
    await waitFor('the killed server to stop answering', () => fetch(`${server.url}/health/live`).then(() => false, () => true), 10_000)

    refusing = false
    const worker = startWorker({
      DATABASE_URI: server.databaseUri,
      MEDIA_DIR: String(server.env.MEDIA_DIR),
      PAYLOAD_SECRET: String(server.env.PAYLOAD_SECRET),
      SERVER_URL: server.url,
      SMTP_URL: sink.url,
      TRANSACTIONAL_TICK: '* * * * * *',
    })
    workers.push(worker)
    await worker.ready
    await waitFor('the worker to send the confirmation', () => mailsTo(sink.messages, ADDRESS).length > 0, { timeoutMs: 30_000, explain: () => worker.output().slice(-3000) })
    const [mail] = mailsTo(sink.messages, ADDRESS)
    expect(decodedMail(mail.raw)).toMatch(/\/email\/confirm\?token=/)

    // Several more rounds of the worker: still one.
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    expect(mailsTo(sink.messages, ADDRESS)).toHaveLength(1)
    const payload = await localPayloadOnServerData(server)
    const { docs } = await payload.find({ collection: 'transactional-emails', where: { to: { equals: ADDRESS } }, overrideAccess: true })
    expect(docs).toMatchObject([{ status: 'sent', attempts: 2 }])
  })
})
