import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

/** Clock ticks per second of /proc's utime and stime (USER_HZ, almost always 100). */
export const clockTicksPerSecond = (() => {
  const probe = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
  const value = Number(probe.stdout?.trim())
  return Number.isFinite(value) && value > 0 ? value : 100
})()

/** CPU time a process has used so far (user + system, all its threads), in ms. */
export const cpuTimeMs = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return { utimeMs: (utime * 1000) / clockTicksPerSecond, stimeMs: (stime * 1000) / clockTicksPerSecond, ticks: utime + stime }
}

/** /proc/<pid>/io (read/write syscalls and bytes), or undefined where it is not readable. */
export const ioCounters = (pid: number): Record<string, number> | undefined => {
  try {
    const text = fs.readFileSync(`/proc/${pid}/io`, 'utf8')
    const counters: Record<string, number> = {}
    for (const line of text.split('\n')) {
      const match = /^(\w+):\s+(\d+)$/.exec(line.trim())
      if (match) counters[match[1]] = Number(match[2])
    }
    return counters
  } catch {
    return undefined
  }
}

/** Jiffies the whole machine has spent busy and in total, from the `cpu` line of /proc/stat. */
export const machineCpu = () => {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]
  const values = line.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = values
  const idleAll = idle + iowait
  const total = user + nice + system + idleAll + irq + softirq + steal
  return { busy: total - idleAll, total }
}

/** Pids of the processes whose environment has `name=value` (e.g. the Next server's SERVER_URL). */
export const pidsWithEnv = (name: string, value: string) => {
  const needle = `${name}=${value}`
  const pids: number[] = []
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0')
      if (environ.includes(needle)) pids.push(Number(entry))
    } catch {
      // gone, or not ours
    }
  }
  return pids
}

/** Sum of the CPU time of `pids` in ms; processes that have exited count as 0. */
export const totalCpuMs = (pids: number[]) =>
  pids.reduce((sum, pid) => {
    try {
      const { utimeMs, stimeMs } = cpuTimeMs(pid)
      return sum + utimeMs + stimeMs
    } catch {
      return sum
    }
  }, 0)
