/**
 * Summarises V8 .cpuprofile files (node --cpu-prof, e.g. BENCH_CPU_PROF=<dir> in the benches):
 * top functions by self time and by inclusive time, aggregated by function name + file:line,
 * and self time by package (node_modules/<name>, node: internals, project files).
 *
 *   npx tsx bench/lib/cpuprofile.ts <dir or file…> [--top 40] [--all] [--match <substring>] [--window <from>-<to>]
 *
 * A directory stands for its .cpuprofile files; by default only the busiest one (most sampled
 * non-idle time: the server process that did the work) is reported, `--all` merges them all.
 * `--match` reports, for functions whose name or url contains the substring, inclusive time
 * with the callers' split (who spends time in it) and the callees' (what it spends it on). A timeline of busy time per second is printed
 * first; `--window 40-52` keeps only the samples from second 40 to 52 of the profile (e.g. the
 * measured load, without start-up and seeding). In minified bundles (.next/server/chunks) a
 * function is named by file:line:column, since one line holds a whole module.
 */
import fs from 'node:fs'
import path from 'node:path'

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number }
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] }
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** The profiler's marker for samples where the thread waited for work. */
const IDLE = '(idle)'

const shortUrl = (url: string) => {
  if (!url) return ''
  const clean = url.replace(/^file:\/\//, '')
  const modules = clean.lastIndexOf('/node_modules/')
  if (modules >= 0) return clean.slice(modules + '/node_modules/'.length)
  const root = process.cwd() + '/'
  return clean.startsWith(root) ? clean.slice(root.length) : clean
}

const MINIFIED = /\/\.next\/server\/|\/compiled\/|\.prod\.js$/
const keyOf = (frame: CallFrame) => {
  if (!frame.url) return frame.functionName || '(anonymous)'
  const column = MINIFIED.test(frame.url) ? `:${frame.columnNumber + 1}` : ''
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}${column}`
}

const packageOf = (frame: CallFrame) => {
  const url = shortUrl(frame.url)
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)'
  if (url.startsWith('node:')) return 'node: internals'
  if (frame.url.includes('/node_modules/')) {
    const parts = url.split('/')
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
  }
  return `project ${url.split('/').slice(0, 2).join('/')}`
}

type Summary = {
  totalUs: number
  idleUs: number
  self: Map<string, number>
  inclusive: Map<string, number>
  packages: Map<string, number>
  callersOf: Map<string, Map<string, number>>
  calleesOf: Map<string, Map<string, number>>
}

const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value)

type Window = { fromUs: number; toUs: number }

const summarise = (profiles: Profile[], match?: string, window?: Window): Summary => {
  const summary: Summary = { totalUs: 0, idleUs: 0, self: new Map(), inclusive: new Map(), packages: new Map(), callersOf: new Map(), calleesOf: new Map() }
  for (const profile of profiles) {
    const byId = new Map<number, ProfileNode>()
    const parent = new Map<number, number>()
    for (const node of profile.nodes) {
      byId.set(node.id, node)
      for (const child of node.children ?? []) parent.set(child, node.id)
    }
    // The stack of keys for each node, computed once (recursion counted once per sample).
    const stacks = new Map<number, string[]>()
    const stackOf = (id: number): string[] => {
      let stack = stacks.get(id)
      if (stack) return stack
      const keys: string[] = []
      for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) keys.push(keyOf(byId.get(current)!.callFrame))
      stack = keys
      stacks.set(id, stack)
      return stack
    }
    let at = 0
    profile.samples.forEach((id, index) => {
      const us = profile.timeDeltas[index] ?? 0
      at += us
      if (window && (at < window.fromUs || at > window.toUs)) return
      const frame = byId.get(id)!.callFrame
      summary.totalUs += us
      if (frame.functionName === IDLE) {
        summary.idleUs += us
        return
      }
      add(summary.self, keyOf(frame), us)
      add(summary.packages, packageOf(frame), us)
      const stack = stackOf(id)
      const seen = new Set<string>()
      stack.forEach((key, depth) => {
        if (seen.has(key)) return
        seen.add(key)
        add(summary.inclusive, key, us)
        if (match && key.includes(match)) {
          const callers = summary.callersOf.get(key) ?? new Map<string, number>()
          summary.callersOf.set(key, callers)
          add(callers, stack[depth + 1] ?? '(top)', us)
          const callees = summary.calleesOf.get(key) ?? new Map<string, number>()
          summary.calleesOf.set(key, callees)
          add(callees, depth > 0 ? stack[depth - 1] : '(self)', us)
        }
      })
    })
  }
  return summary
}

const ms = (us: number) => (us / 1000).toFixed(0).padStart(8)
const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1).padStart(5)}%`

const top = (title: string, map: Map<string, number>, busyUs: number, count: number) => {
  console.log(`\n${title} (ms, % of busy time)`)
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${ms(us)} ${pct(us, busyUs)}  ${key}`)
}

const main = () => {
  const args = process.argv.slice(2)
  const option = (name: string) => {
    const index = args.indexOf(name)
    if (index < 0) return undefined
    const [, value] = args.splice(index, 2)
    return value
  }
  const count = Number(option('--top') ?? 40)
  const match = option('--match')
  const windowOption = option('--window')
  const window = windowOption ? (([from, to]) => ({ fromUs: from * 1e6, toUs: to * 1e6 }))(windowOption.split('-').map(Number)) : undefined
  const all = args.includes('--all')
  const inputs = args.filter((arg) => arg !== '--all')
  if (!inputs.length) {
    console.error('usage: tsx bench/lib/cpuprofile.ts <dir or .cpuprofile…> [--top N] [--all] [--match substring]')
    process.exit(2)
  }
  const files = inputs.flatMap((input) =>
    fs.statSync(input).isDirectory()
      ? fs.readdirSync(input).filter((name) => name.endsWith('.cpuprofile')).map((name) => path.join(input, name))
      : [input],
  )
  const loaded = files.map((file) => {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
    const { totalUs, idleUs } = summarise([profile])
    return { file, profile, busyUs: totalUs - idleUs }
  })
  loaded.sort((a, b) => b.busyUs - a.busyUs)
  for (const { file, busyUs } of loaded) console.log(`${ms(busyUs)} ms busy  ${file}`)
  const chosen = all ? loaded : loaded.slice(0, 1)
  if (!chosen.length) return
  for (const { file, profile } of chosen) {
    // Busy ms per second of the profile, to pick a --window.
    const perSecond: number[] = []
    let at = 0
    profile.samples.forEach((id, index) => {
      at += profile.timeDeltas[index] ?? 0
      const node = profile.nodes.find((candidate) => candidate.id === id)
      if (node?.callFrame.functionName === IDLE) return
      const second = Math.floor(at / 1e6)
      perSecond[second] = (perSecond[second] ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000
    })
    console.log(`\nbusy ms per second, ${path.basename(file)}:`)
    console.log(Array.from(perSecond, (busy, second) => `${second}:${Math.round(busy ?? 0)}`).join(' '))
  }
  const summary = summarise(chosen.map((entry) => entry.profile), match, window)
  if (window) console.log(`window: ${window.fromUs / 1e6}-${window.toUs / 1e6} s`)
  const busyUs = summary.totalUs - summary.idleUs
  console.log(`\nreported: ${chosen.map((entry) => path.basename(entry.file)).join(', ')}`)
  console.log(`sampled ${(summary.totalUs / 1e6).toFixed(1)} s, busy ${(busyUs / 1e6).toFixed(1)} s (idle excluded; (program) and (garbage collector) count as busy)`)
  top('self time by package', summary.packages, busyUs, 25)
  top('self time by function', summary.self, busyUs, count)
  top('inclusive time by function', summary.inclusive, busyUs, count)
  for (const [key, callers] of summary.callersOf) {
    console.log(`\n${ms(summary.inclusive.get(key) ?? 0)} ms inclusive: ${key}; by caller:`)
    for (const [caller, us] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`${ms(us)} ${pct(us, busyUs)}  ${caller}`)
    console.log('  calls (inclusive):')
    for (const [callee, us] of [...summary.calleesOf.get(key)!].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms(us)} ${pct(us, busyUs)}  ${callee}`)
  }
}

main()
