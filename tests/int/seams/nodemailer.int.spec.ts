import net from 'node:net'

import { simpleParser } from 'mailparser'
import { createTransport } from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createSmtpPool, encodeQuotedPrintable, wrapQuotedPrintable, type GetSocket } from '../../../src/seams/nodemailer'
import { startSmtpSink } from '../../helpers/smtpSink'

/**
 * The contract of src/seams/nodemailer.ts: what emails/newsletters/compile.ts and
 * emails/transport.ts rely on from nodemailer's internals (lib/qp, lib/smtp-pool) and its
 * composer, against nodemailer itself and a real SMTP server on loopback. A failure after a
 * nodemailer upgrade means the seam (or its callers) must change.
 */
let sink: Awaited<ReturnType<typeof startSmtpSink>>

beforeAll(async () => {
  sink = await startSmtpSink()
})

afterAll(async () => {
  await sink?.close()
})

const TEXT = `Grüße from the clinic = 100% relaxed.\r\n${'A long line of plain words, '.repeat(8)}\r\n¡Olé! Tabs\tand trailing spaces   \r\nend`

/** The body of the only text/plain part of a raw message, as written on the wire. */
const textPartBody = (raw: string) => {
  const start = raw.indexOf('Content-Type: text/plain')
  const body = raw.slice(raw.indexOf('\r\n\r\n', start) + 4)
  return body.slice(0, body.search(/\r\n(--|$)/))
}

describe('lib/qp: the quoted-printable encoder', () => {
  it('encodes and folds a part exactly as nodemailer writes it in a message', async () => {
    const stream = createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
    const info = await stream.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'QP', text: TEXT, html: '<p>x</p>' })
    const raw = (info.message as Buffer).toString()
    expect(raw).toMatch(/Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable/)
    expect(textPartBody(raw)).toBe(wrapQuotedPrintable(encodeQuotedPrintable(TEXT), 76))
  })

  it('escapes =, non-ASCII and keeps CRLF; folds with soft breaks within the width; decodes back to the text', async () => {
    expect(encodeQuotedPrintable('Grüße = 100%\r\nnext')).toBe('Gr=C3=BC=C3=9Fe =3D 100%\r\nnext')
    const folded = wrapQuotedPrintable(encodeQuotedPrintable(TEXT), 75)
    for (const line of folded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(75)
    expect(folded).toContain('=\r\n')
    const parsed = await simpleParser(`Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${folded}`)
    expect(parsed.text).toBe(TEXT.replace(/\r\n/g, '\n'))
  })
})

describe('the composer: parts given as { raw }', () => {
  it('writes a raw part as it is', async () => {
    const part = 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nPre-encoded =C3=A9 body'
    const stream = createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
    const info = await stream.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'Raw', text: { raw: part } as never, html: '<p>x</p>' })
    expect((info.message as Buffer).toString()).toContain(part)
  })
})

describe('lib/smtp-pool: the pool', () => {
  it('keeps maxConnections, getSocket and maxRequeues with a URL, and sends on the socket getSocket hands it', async () => {
    const asked: Array<{ host?: string; port?: number }> = []
    const getSocket: GetSocket = (options, callback) => {
      asked.push({ host: options.host, port: options.port })
      const socket = net.connect({ host: options.host, port: Number(options.port) })
      socket.once('connect', () => callback(null, { connection: socket }))
    }
    const pool = createSmtpPool({ url: sink.url, maxConnections: 2, getSocket, maxRequeues: 0 })
    expect(pool.options).toMatchObject({ host: '127.0.0.1', port: sink.port, maxConnections: 2, maxRequeues: 0, pool: true })
    const transporter = createTransport(pool)
    try {
      await Promise.all(
        ['one', 'two', 'three'].map((name) => transporter.sendMail({ from: 'a@example.test', to: `${name}@example.test`, subject: `Pool ${name}`, text: name })),
      )
    } finally {
      transporter.close()
    }
    expect(sink.messages.filter((mail) => mail.raw.includes('Subject: Pool ')).flatMap((mail) => mail.to).sort()).toEqual(['one@example.test', 'three@example.test', 'two@example.test'])
    expect(asked.length).toBeGreaterThanOrEqual(1)
    expect(asked.length).toBeLessThanOrEqual(2)
    expect(asked[0]).toEqual({ host: '127.0.0.1', port: sink.port })
  })

  it('connects by itself when getSocket answers with no socket (what emails/transport does when its own connect fails)', async () => {
    let calls = 0
    const pool = createSmtpPool({ url: sink.url, maxConnections: 1, getSocket: (_options, callback) => (calls++, callback(null)) })
    const transporter = createTransport(pool)
    try {
      await transporter.sendMail({ from: 'a@example.test', to: 'self@example.test', subject: 'Pool fallback', text: 'x' })
    } finally {
      transporter.close()
    }
    expect(calls).toBe(1)
    expect(sink.messages.some((mail) => mail.raw.includes('Subject: Pool fallback'))).toBe(true)
  })
})
