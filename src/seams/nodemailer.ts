import type net from 'node:net'

import { encode, wrap } from 'nodemailer/lib/qp/index.js'
import SMTPPool from 'nodemailer/lib/smtp-pool/index.js'

/**
 * The one place that reaches into nodemailer (9.1) beyond `createTransport`/`sendMail`: its
 * internal quoted-printable encoder (`lib/qp`) and its pool class (`lib/smtp-pool`), neither
 * a documented entry point. tests/int/seams/nodemailer.int.spec.ts states what is relied on
 * and fails when an upgrade changes it:
 *
 * - `encodeQuotedPrintable` is the encoder nodemailer's own composer uses, so a newsletter
 *   part encoded ahead (emails/newsletters/compile.ts) is byte for byte what nodemailer would
 *   write; `wrapQuotedPrintable` folds it with soft line breaks (`=` CRLF) at the width given.
 * - `createSmtpPool` takes the options `createTransport({ url, pool: true })` would drop when
 *   given a URL (`maxConnections`, `getSocket`, `maxRequeues`) and merges the URL over them;
 *   `getSocket(options, callback)` gets the connection's host, port and `secure`, and a
 *   `callback(null, { connection })` with a connected socket is the one the session uses
 *   (`callback(null)` makes the pool connect by itself: emails/transport.ts relies on that
 *   when the server is down); `maxRequeues: 0` turns off the silent re-send of a message
 *   whose connection closed.
 * - Message bodies given as `{ raw }` (html, text) are written as they are: its composer
 *   supports it (mail-composer `getAlternatives`); its type definitions do not say so.
 */

export const encodeQuotedPrintable = (text: string): string => encode(text)

export const wrapQuotedPrintable = (encoded: string, lineLength: number): string => wrap(encoded, lineLength)

export type SocketCallback = (error: Error | null, socketOptions?: { connection: net.Socket }) => void
export type GetSocket = (options: { host?: string; port?: number; secure?: boolean; connectionTimeout?: number }, callback: SocketCallback) => void

export type SmtpPoolOptions = {
  url: string
  maxConnections: number
  getSocket?: GetSocket
  /** 0: a message whose connection closed is rejected, not sent again on another one. */
  maxRequeues?: number
}

export const createSmtpPool = ({ url, maxConnections, getSocket, maxRequeues }: SmtpPoolOptions) =>
  new SMTPPool({ pool: true, url, maxConnections, ...(getSocket ? { getSocket } : {}), ...(maxRequeues !== undefined ? { maxRequeues } : {}) } as ConstructorParameters<typeof SMTPPool>[0])

export type SmtpPool = ReturnType<typeof createSmtpPool>
