import { AsyncLocalStorage } from 'node:async_hooks'

import type { Payload } from 'payload'

/**
 * The embedded SQLite driver (`@libsql/client` 0.14 on a `file:` URL, under @payloadcms/db-sqlite
 * 3.90) runs every statement synchronously inside an async function: `await client.execute()`
 * settles as a microtask, never as I/O. A Payload operation is a chain of such awaits, so it
 * runs from its first statement to its response in one turn of the event loop, and nothing
 * else in the process runs meanwhile. In the production server that means a response-cache hit
 * (microseconds of work) waits behind a whole autosave or publish (~18 ms of CPU, 18 statements):
 * the p99 of cached reads while someone edits (bench:editing).
 *
 * `yieldBetweenStatements` makes the statements of staff writes (`withTurnsBetweenStatements`:
 * the REST POST, PATCH, PUT and DELETE handlers, src/server/restHandlers.ts) wait one event-loop
 * turn (`setImmediate`) each, so waiting requests and timers run between the statements of an
 * autosave or a publish instead of after all of them. Reads run straight through: a turn before
 * every statement of every request interleaved all 32 connections' uncached reads and cost ~9 %
 * of their throughput (bench:content-api), for no gain (a page read is three statements).
 * Statement order and results are unchanged (drizzle awaits each statement before building the
 * next; nothing here uses transactions, see src/database.ts). What changes: another request's
 * statements may now run between two statements of a write in the same process, as they always
 * could between processes (app and worker on one file) and on MongoDB, so nothing may rely on a
 * write running uninterrupted (the conditional claims in src/seams/database.ts do not).
 *
 * Undocumented: the adapter's `client` property and drizzle calling `client.execute` for every
 * query are internals. tests/int/seams/libsql.int.spec.ts states both behaviours relied on (the
 * driver does not yield by itself; with this installed, a timer runs between two statements of
 * one write, and never within a read) and fails when an upgrade changes either.
 *
 * MongoDB (`@payloadcms/db-mongodb`): every query is a network round trip through the driver's
 * socket, which yields to the event loop by itself; there is no `client.execute`, and this does
 * nothing.
 */
type LibsqlClient = { execute: (...args: unknown[]) => Promise<unknown>; [YIELDING]?: true }

const YIELDING = Symbol.for('clinic.libsqlYieldsBetweenStatements')

// On globalThis: Next's route bundles and the server may each load a copy of this module.
const WORK = Symbol.for('clinic.libsqlTurnsBetweenStatements')
const turnsBetweenStatements = ((globalThis as { [WORK]?: AsyncLocalStorage<true> })[WORK] ??= new AsyncLocalStorage<true>())

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Runs `handler` with a turn of the event loop before each of its SQLite statements (once installed). */
export const withTurnsBetweenStatements =
  <A extends unknown[], R>(handler: (...args: A) => Promise<R>) =>
  (...args: A): Promise<R> =>
    turnsBetweenStatements.run(true, () => handler(...args))

/** The adapter's libsql client, or undefined on another adapter (MongoDB). */
export const libsqlClientOf = (payload: Payload): LibsqlClient | undefined => {
  const client = (payload.db as unknown as { client?: unknown }).client
  if (!client || typeof (client as LibsqlClient).execute !== 'function' || !('drizzle' in payload.db)) return undefined
  return client as LibsqlClient
}

/** Makes the SQLite adapter's statements inside `withTurnsBetweenStatements` wait a turn first (once per client). True when installed. */
export const yieldBetweenStatements = (payload: Payload): boolean => {
  const client = libsqlClientOf(payload)
  if (!client) return false
  if (client[YIELDING]) return true
  const execute = client.execute.bind(client)
  client.execute = async (...args: unknown[]) => {
    if (turnsBetweenStatements.getStore()) await nextTurn()
    return execute(...args)
  }
  client[YIELDING] = true
  return true
}
