import fs from 'node:fs'
import path from 'node:path'

import { chromium, type Browser, type Page } from 'playwright-core'

import { ROOT } from './server'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** Debian's Chromium, headless, with the flags this sandboxed machine needs. */
export const launchBrowser = async (): Promise<Browser> => {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH).`)
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
}

/**
 * The end of a browser test file: a screenshot of the last page to test-results/<name>-last.png
 * (what a failure left on screen), the browser closed, then what else the file started
 * (server, SMTP sink), in that order. Any of them may be unset when `beforeAll` failed part-way.
 */
export const closeBrowserTest = async (
  name: string,
  { page, browser, fullPage = false }: { page?: Page; browser?: Browser; fullPage?: boolean },
  ...stopAfter: Array<{ stop?: () => Promise<unknown>; close?: () => Promise<unknown> } | undefined>
) => {
  if (page && !page.isClosed()) await page.screenshot({ path: path.join(ROOT, 'test-results', `${name}-last.png`), fullPage }).catch(() => {})
  await browser?.close()
  for (const started of stopAfter) await (started?.stop ?? started?.close)?.call(started)
}
