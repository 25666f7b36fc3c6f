import Database from 'libsql'

/**
 * The embedded SQLite driver (`@libsql/client` 0.14 `file:`, its `executeStmt`) calls the native
 * `Database#prepare` (the `libsql` package, 0.4) for every statement it runs, and throws the
 * statement away afterwards: SQLite parses and plans the same SQL text again on every read
 * (~4-5 % of an uncached front-page request's CPU, bench/content-api inprocess profile). Drizzle
 * builds the same text for the same query shape, so a statement prepared once can be run again
 * with other arguments: SQLite statements are made for that (`sqlite3_reset` and rebind on the
 * next run; after a schema change SQLite prepares them again by itself).
 *
 * `reusePreparedStatements` makes `Database#prepare` return the statement it prepared before for
 * the same text on the same connection (at most MAX_STATEMENTS texts per connection, the least
 * recently used dropped: texts with `in (?, ?, …)` vary with the list's length). This is a plan
 * cache, not a result cache: every call still runs the statement against the database. It is safe
 * because the only caller runs a statement to completion synchronously before it returns
 * (`all` drains every row, `run` steps once), and sets the same modes on it every time
 * (`safeIntegers(true)`, `raw(true)`), so no two runs of one statement ever overlap. A
 * connection's statements are dropped when it closes.
 *
 * Undocumented: the driver calling `prepare` per statement is an internal of @libsql/client.
 * tests/int/seams/libsqlStatements.int.spec.ts states the behaviour relied on (the driver
 * prepares every statement again, and with this installed it prepares a text once and still
 * answers every run from the database) and fails when an upgrade changes either.
 *
 * MongoDB (`@payloadcms/db-mongodb`): there is no SQL to prepare; nothing to do there.
 */
type Connection = Database.Database
type Statement = Database.Statement
type Prepare = (this: Connection, sql: string) => Statement

/** Distinct statement texts kept per connection (the whole site sends a few hundred). */
export const MAX_STATEMENTS = 500

const INSTALLED = Symbol.for('clinic.libsqlReusesPreparedStatements')
type PatchedPrototype = { prepare: Prepare; close: (this: Connection) => unknown; [INSTALLED]?: { original: Prepare } }

const statementsByConnection = new WeakMap<Connection, Map<string, Statement>>()

/** Makes libsql's `Database#prepare` reuse a statement per SQL text and connection, process-wide (libsql is one module). True once installed. */
export const reusePreparedStatements = (): boolean => {
  const prototype = Database.prototype as unknown as PatchedPrototype
  if (prototype[INSTALLED]) return true
  const original = prototype.prepare
  const close = prototype.close
  prototype.prepare = function prepare(sql) {
    let statements = statementsByConnection.get(this)
    if (!statements) statementsByConnection.set(this, (statements = new Map()))
    const known = statements.get(sql)
    if (known) {
      // Least recently used goes first: move it to the end.
      statements.delete(sql)
      statements.set(sql, known)
      return known
    }
    // Errors (a syntax error, a missing table) are thrown as before and nothing is kept.
    const statement = original.call(this, sql)
    if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value as string)
    statements.set(sql, statement)
    return statement
  }
  prototype.close = function closeConnection() {
    statementsByConnection.delete(this)
    return close.call(this)
  }
  prototype[INSTALLED] = { original }
  return true
}

/** How many statements a connection keeps (for the contract test). */
export const preparedStatementCount = (connection: Connection): number => statementsByConnection.get(connection)?.size ?? 0
