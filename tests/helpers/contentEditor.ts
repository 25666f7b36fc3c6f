import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export type ContentEditor = {
  /** One Local API write in the other process; resolves with the document id when it has returned. */
  write: (command: { op: 'create' | 'update' | 'delete'; collection: string; id?: number | string; data?: unknown; draft?: boolean }) => Promise<number | string>
  stop: () => Promise<void>
}

/** Starts tests/helpers/contentEditorChild.ts on `databaseUri`: writes content from another process. */
export const startContentEditor = async (databaseUri: string): Promise<ContentEditor> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/contentEditorChild.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '--conditions=production', DATABASE_URI: databaseUri },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let buffered = ''
  let err = ''
  const waiting: Array<(line: string) => void> = []
  let markReady: () => void
  let failReady: (error: Error) => void
  const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (failReady = reject)))
  child.stderr!.on('data', (chunk) => (err += chunk))
  child.on('exit', (code) => failReady(new Error(`content editor exited ${code} before it was ready:\n${err}`)))
  child.stdout!.on('data', (chunk) => {
    buffered += chunk
    let newline: number
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      if (line === 'ready') markReady()
      else if (line.startsWith('{')) waiting.shift()?.(line)
    }
  })
  await ready
  return {
    write: (command) =>
      new Promise((resolve, reject) => {
        waiting.push((line) => {
          const answer = JSON.parse(line)
          if (answer.error) reject(new Error(answer.error))
          else resolve(answer.id)
        })
        child.stdin!.write(`${JSON.stringify(command)}\n`)
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.stdin!.end()
      }),
  }
}
