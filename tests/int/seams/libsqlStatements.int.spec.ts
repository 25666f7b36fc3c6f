import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { createClient, type Client } from '@libsql/client'
import Database from 'libsql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { MAX_STATEMENTS, preparedStatementCount, reusePreparedStatements } from '../../../src/seams/libsqlStatements'

/**
 * The contract of src/seams/libsqlStatements.ts on a real SQLite file through the real driver
 * (@libsql/client, as the adapter opens it): the driver prepares every statement it runs again;
 * with the seam installed, one SQL text is prepared once per connection and every run still reads
 * the database (new rows show, other arguments bind), a failed run leaves the statement usable,
 * and a connection keeps at most MAX_STATEMENTS texts.
 */
type Prepared = { sql: string; statement: unknown; connection: Database.Database }
let dir: string, client: Client

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cms-seam-statements-'))
  client = createClient({ url: `file:${path.join(dir, 'statements.db')}`, intMode: 'number' })
  await client.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, slug TEXT UNIQUE NOT NULL, body TEXT)')
})
afterAll(() => {
  client?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** What `Database#prepare` was asked for and returned while `run` ran (whatever prepare is installed). */
const preparedDuring = async (run: () => Promise<unknown>): Promise<Prepared[]> => {
  const prototype = Database.prototype as unknown as { prepare: (this: Database.Database, sql: string) => unknown }
  const prepare = prototype.prepare
  const seen: Prepared[] = []
  prototype.prepare = function (sql) {
    const statement = prepare.call(this, sql)
    seen.push({ sql, statement, connection: this })
    return statement
  }
  try {
    await run()
  } finally {
    prototype.prepare = prepare
  }
  return seen
}

const SELECT = 'SELECT slug, body FROM notes WHERE slug = ?'

describe('prepared statements of the SQLite driver', () => {
  it('the driver prepares a statement for every run of the same SQL (without the seam, SQLite parses it each time)', async () => {
    // Runs first in this file, before the seam is installed in this process.
    const seen = await preparedDuring(async () => {
      for (let i = 0; i < 3; i++) await client.execute({ sql: SELECT, args: ['none'] })
    })
    expect(seen.filter((call) => call.sql === SELECT)).toHaveLength(3)
    // Three distinct statements: would be one if the driver started keeping them itself (then the seam is unnecessary).
    expect(new Set(seen.map((call) => call.statement)).size).toBe(3)
  })

  it('with the seam, one text is prepared once per connection and each run reads the database with its own arguments', async () => {
    expect(reusePreparedStatements()).toBe(true)
    const reads: unknown[][] = []
    const seen = await preparedDuring(async () => {
      await client.execute({ sql: 'INSERT INTO notes (slug, body) VALUES (?, ?)', args: ['a', 'first'] })
      reads.push((await client.execute({ sql: SELECT, args: ['a'] })).rows.map((row) => row.body))
      reads.push((await client.execute({ sql: SELECT, args: ['b'] })).rows.map((row) => row.body))
      await client.execute({ sql: 'INSERT INTO notes (slug, body) VALUES (?, ?)', args: ['b', 'second'] })
      await client.execute({ sql: 'UPDATE notes SET body = ? WHERE slug = ?', args: ['changed', 'a'] })
      reads.push((await client.execute({ sql: SELECT, args: ['b'] })).rows.map((row) => row.body))
      reads.push((await client.execute({ sql: SELECT, args: ['a'] })).rows.map((row) => row.body))
    })
    // Not a cache of answers: rows written between two runs of the one statement are read.
    expect(reads).toEqual([['first'], [], ['second'], ['changed']])
    const selects = seen.filter((call) => call.sql === SELECT)
    expect(selects).toHaveLength(4)
    expect(new Set(selects.map((call) => call.statement)).size).toBe(1)
    const inserts = seen.filter((call) => call.sql.startsWith('INSERT'))
    expect(new Set(inserts.map((call) => call.statement)).size).toBe(1)
  })

  it('a run that fails (a unique constraint) leaves the statement usable for the next run', async () => {
    const insert = 'INSERT INTO notes (slug, body) VALUES (?, ?) RETURNING id'
    await client.execute({ sql: insert, args: ['c', 'third'] })
    await expect(client.execute({ sql: insert, args: ['c', 'again'] })).rejects.toThrow(/UNIQUE/)
    const after = await client.execute({ sql: insert, args: ['d', 'fourth'] })
    expect(after.rows).toHaveLength(1)
    expect((await client.execute({ sql: SELECT, args: ['d'] })).rows.map((row) => row.body)).toEqual(['fourth'])
    // A syntax error is thrown as before, and nothing is kept for it.
    await expect(client.execute('SELEC nonsense')).rejects.toThrow(/syntax/)
  })

  it(`a connection keeps at most ${MAX_STATEMENTS} texts (queries with in (?, ?, …) lists differ by length)`, async () => {
    const seen = await preparedDuring(async () => {
      for (let i = 0; i < MAX_STATEMENTS + 20; i++) await client.execute({ sql: `SELECT ${i} AS n FROM notes WHERE slug = ?`, args: ['a'] })
    })
    expect(preparedStatementCount(seen[0].connection)).toBe(MAX_STATEMENTS)
    // The oldest went first; the newest is still the one prepared.
    const again = await preparedDuring(() => client.execute({ sql: `SELECT ${MAX_STATEMENTS + 19} AS n FROM notes WHERE slug = ?`, args: ['a'] }))
    expect(again[0].statement).toBe(seen[seen.length - 1].statement)
  })
})
