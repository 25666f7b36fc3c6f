/**
 * The app half of `npm run dev`: `next dev`, listening where `HOSTNAME` says by the same rule
 * as `npm start` (src/server/listenAddress.ts). `next dev` itself never reads HOSTNAME, only
 * `--hostname`, so without this it always listened on every interface, the first-user page
 * included. Arguments after `npm run dev:app --` go to `next dev` unchanged.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'

import { ignoredHostnameNote, listenHostFrom } from './listenAddress'

// As the worker and `npm start` do; a variable already set (on the command line) wins.
if (fs.existsSync('.env')) process.loadEnvFile('.env')

const { host, ignored } = listenHostFrom(process.env.HOSTNAME)
if (ignored) console.warn(ignoredHostnameNote(ignored))

const nextCli = createRequire(import.meta.url).resolve('next/dist/bin/next')
const child = spawn(process.execPath, [nextCli, 'dev', ...(host ? ['--hostname', host] : []), ...process.argv.slice(2)], { stdio: 'inherit' })

// concurrently --kill-others and Ctrl-C signal this process: pass it on, then leave with next's status.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + os.constants.signals[signal] : 0)))
