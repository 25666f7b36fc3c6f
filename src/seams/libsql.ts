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
 * `yieldBetweenStatements` gives the event loop one turn (`setImmediate`) before each statement,
 * so waiting requests and timers run between the statements of a long operation instead of after
 * all of them. Each yield costs a few microseconds when nothing waits; statement order and results
 * are unchanged (drizzle awaits each statement before building the next; nothing here uses
 * transactions, see src/database.ts).
 *
 * Undocumented: the adapter's `client` property and drizzle calling `client.execute` for every
 * query are internals. tests/int/seams/libsql.int.spec.ts states both behaviours relied on (the
 * driver does not yield by itself; with this installed, a timer runs between two statements of
 * one Payload operation) and fails when an upgrade changes either.
 *
 * MongoDB (`@payloadcms/db-mongodb`): every query is a network round trip through the driver's
 * socket, which yields to the event loop by itself; there is no `client.execute`, and this does
 * nothing.
 */
type LibsqlClient = { execute: (...args: unknown[]) => Promise<unknown>; [YIELDING]?: true }

const YIELDING = Symbol.for('clinic.libsqlYieldsBetweenStatements')

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** The adapter's libsql client, or undefined on another adapter (MongoDB). */
export const libsqlClientOf = (payload: Payload): LibsqlClient | undefined => {
  const client = (payload.db as unknown as { client?: unknown }).client
  if (!client || typeof (client as LibsqlClient).execute !== 'function' || !('drizzle' in payload.db)) return undefined
  return client as LibsqlClient
}

/** Makes each statement of the SQLite adapter wait one event-loop turn first (once per client). True when installed. */
export const yieldBetweenStatements = (payload: Payload): boolean => {
  const client = libsqlClientOf(payload)
  if (!client) return false
  if (client[YIELDING]) return true
  const execute = client.execute.bind(client)
  client.execute = async (...args: unknown[]) => {
    await nextTurn()
    return execute(...args)
  }
  client[YIELDING] = true
  return true
}
