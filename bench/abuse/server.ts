/** The server under attack: `npm start` on a SQLite file of this run, restarted after a death, and the serving process's memory. Part of `npm run bench:abuse` (run.ts). */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { createCleanup } from '../lib/cleanup'
import { ROOT, PORT, MAX_OLD_SPACE_MB, BASE_URL, log, sleep } from './settings'
import { send } from './http'
import { graphqlBody } from './scenarios'

// ---------------------------------------------------------------------------------------
// The server: npm start (dist/server.mjs) on a SQLite file of this run
// ---------------------------------------------------------------------------------------

export const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cms-bench-abuse-'))
export const serverEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  PORT: String(PORT),
  HOSTNAME: '127.0.0.1',
  SERVER_URL: BASE_URL,
  DATABASE_URI: `file:${path.join(dataDir, 'cms.db')}`,
  MEDIA_DIR: path.join(dataDir, 'media'),
  PAYLOAD_SECRET: 'bench-abuse-secret-0123456789abcdef0123',
  NODE_OPTIONS: `--max-old-space-size=${MAX_OLD_SPACE_MB}`,
  // Nothing is mailed anywhere: subscriber mail goes to the outbox folder of this run.
  EMAIL_OUTBOX_DIR: path.join(dataDir, 'outbox'),
  SMTP_URL: '',
}

export type Server = { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; dead: () => boolean }
export let server: Server | undefined
export let restarts = 0

export const startServer = async (): Promise<Server> => {
  let output = ''
  // `npm start` without npm in between, in its own process group so it can be killed whole.
  const child = spawn(process.execPath, ['dist/server.mjs'], { cwd: ROOT, env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let isDead = false
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      isDead = true
      resolve({ code, signal })
    }),
  )
  const started: Server = { child, output: () => output, exited, dead: () => isDead }
  const deadline = Date.now() + 180_000
  while (Date.now() < deadline) {
    if (isDead) throw new Error(`npm start exited:\n${output.slice(-4000)}`)
    const answer = await send('GET', '/api/articles?limit=1', { timeoutMs: 5_000 })
    if (answer.status === 200) return started
    await sleep(500)
  }
  await killServer(started)
  throw new Error(`npm start did not become ready within 180 s:\n${output.slice(-4000)}`)
}

export const killServer = async (target: Server | undefined, signal: NodeJS.Signals = 'SIGKILL') => {
  if (!target || target.dead()) return
  try {
    process.kill(-target.child.pid!, signal)
  } catch {
    // already gone
  }
  await Promise.race([target.exited, sleep(10_000)])
}

export const runSeed = () =>
  new Promise<void>((resolve, reject) => {
    // As a user would: `npm run seed` on the server's (already migrated) database.
    const child = spawn('npm', ['run', 'seed'], { cwd: ROOT, env: { ...serverEnv, NODE_ENV: 'development', NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run seed exited ${code}:\n${output.slice(-4000)}`))))
  })

// ---------------------------------------------------------------------------------------
// The serving process and its memory
// ---------------------------------------------------------------------------------------

export const readProc = (pid: number, file: string) => {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8')
  } catch {
    return ''
  }
}

/** The started pid and every descendant (a cluster child, a worker), from /proc. */
export const processTree = (root: number) => {
  const children = new Map<number, number[]>()
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readProc(Number(entry), 'stat')
    // Field 4 (ppid) comes after the command name in parentheses, which may contain spaces.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (!children.has(ppid)) children.set(ppid, [])
    children.get(ppid)!.push(Number(entry))
  }
  const tree: number[] = []
  const visit = (pid: number) => {
    tree.push(pid)
    for (const child of children.get(pid) ?? []) visit(child)
  }
  visit(root)
  return tree
}

export const rssMiB = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readProc(pid, 'status'))
  return match ? Number(match[1]) / 1024 : null
}

/**
 * The process that serves: the heaviest node process in the tree under the started pid
 * (today the started process itself; if server.ts forks cluster children, the child
 * running Next and Payload is the one with the memory).
 */
export const servingMemory = () => {
  if (!server || server.dead()) return { pid: null, rssMiB: null, treeRssMiB: null }
  const members = processTree(server.child.pid!)
    .map((pid) => ({ pid, rss: rssMiB(pid) }))
    .filter((member): member is { pid: number; rss: number } => member.rss !== null)
  if (!members.length) return { pid: null, rssMiB: null, treeRssMiB: null }
  const serving = members.reduce((heaviest, member) => (member.rss > heaviest.rss ? member : heaviest))
  return { pid: serving.pid, rssMiB: serving.rss, treeRssMiB: members.reduce((sum, member) => sum + member.rss, 0) }
}

export const cleanup = createCleanup('the server', async () => {
  await killServer(server)
  fs.rmSync(dataDir, { recursive: true, force: true })
})

export const ensureServer = async () => {
  if (server && !server.dead()) return false
  log(restarts ? 'restarting the server for the next scenario...' : 'starting the server...')
  server = await startServer()
  // The first GraphQL request builds Payload's schema (about a second): not the scenario's cost.
  await send('POST', '/api/graphql', { body: graphqlBody('{ Clinic { name } }'), headers: { 'Content-Type': 'application/json' } })
  if (restarts++ === 0) return false
  return true
}
