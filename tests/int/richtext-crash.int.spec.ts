import { spawn } from 'node:child_process'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { htmlToPlainText } from '../../emails/render'

/**
 * The crash, in child processes so this runner survives it: a 2,000-deep intro
 * made Payload's recursive HTML converter exhaust the stack, catch the RangeError and log
 * it; under Next.js's server environment (as `npm start` runs) the logging compiles regular
 * expressions with the stack still exhausted, and V8 aborts the process ("FATAL ERROR:
 * RegExpCompiler Allocation failed - process out of memory", SIGABRT). It did so in about
 * one run in three (bench/richtext-hostile/README.md), so each case runs three times.
 */

const STAGE = path.resolve(import.meta.dirname, '../../bench/richtext-hostile/stage.ts')

const renderInChild = (name: string) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; stages: Array<{ stage: string; ms: number; message?: string }>; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', STAGE, name, 'all'], {
      env: { ...process.env, HOSTILE_NEXT_ERRORS: '1', HOSTILE_REPEAT: '3', NODE_OPTIONS: '--conditions=production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20_000)))
    child.on('exit', (code, signal) =>
      resolve({ code, signal, stderr, stages: stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)) }),
    )
  })

describe('a deeply nested intro never aborts the process', () => {
  for (const name of ['deepQuotes', 'deepLists', 'deepParagraphs']) {
    it(`${name}: refused with a message, the process exits normally (3 runs)`, { timeout: 120_000 }, async () => {
      for (let run = 0; run < 3; run++) {
        const { code, signal, stages, stderr } = await renderInChild(name)
        expect({ run, code, signal, fatal: /FATAL ERROR[^\n]*/.exec(stderr)?.[0] }).toEqual({ run, code: 0, signal: null, fatal: undefined })
        const refused = stages.find((line) => line.stage === 'refused')
        expect(refused?.message, JSON.stringify(stages)).toMatch(/nested more than 32 levels/)
        expect(refused!.ms).toBeLessThan(1_000)
      }
    })
  }
})

describe('the text part of an email', () => {
  it('html-to-text stops at a bounded depth instead of recursing into deeply nested HTML', () => {
    // Not reachable through the Lexical limits today; a guard for any other HTML that reaches it.
    const deep = `${'<blockquote>'.repeat(3000)}deep${'</blockquote>'.repeat(3000)}<p>after</p>`
    let text = ''
    expect(() => (text = htmlToPlainText(deep))).not.toThrow()
    expect(text).toContain('after')
  })
})
