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
