import type { Page } from 'playwright-core'

/** The clinic's settings the browser tests start from (Chicago time, a mailing address for the footer). */
export const CLINIC_SETTINGS = {
  name: 'Stevenson Clinic',
  bookingUrl: 'https://example.com/book',
  timezone: 'America/Chicago',
  mailingAddress: '123 Example St\nSpringfield, IL 62701',
  medicalDisclaimer: 'Massage therapy does not replace medical advice.',
}

const isDashboard = (url: URL) => url.pathname === '/admin' || url.pathname === '/admin/'

/** The admin's own first-run form on a fresh database: the account it creates is the admin. */
export const createFirstUserInBrowser = async (page: Page, serverUrl: string, email: string, password: string) => {
  await page.goto(`${serverUrl}/admin`)
  await page.waitForURL(/\/admin\/create-first-user/)
  for (let attempt = 1; ; attempt++) {
    await page.fill('input[name="email"]', email)
    await page.fill('input[name="password"]', password)
    await page.fill('input[name="confirm-password"]', password)
    await page.click('button[type="submit"]')
    if (await page.waitForURL(isDashboard, { timeout: 20_000 }).then(() => true, () => false)) return
    // A click that landed before the page was interactive submitted nothing: fill and click
    // again. Once the account exists the form is gone: log in instead.
    if (!/\/admin\/create-first-user/.test(page.url())) return loginInBrowser(page, serverUrl, email, password)
    if (attempt === 3) throw new Error(`the first-user form did not submit (still at ${page.url()})`)
  }
}

/** Logs the browser in through the admin's login form (a session already open goes straight to the dashboard). */
export const loginInBrowser = async (page: Page, serverUrl: string, email: string, password: string) => {
  await page.goto(`${serverUrl}/admin/login`)
  if (/\/admin\/login/.test(page.url())) {
    await page.fill('input[name="email"]', email)
    await page.fill('input[name="password"]', password)
    await page.click('button[type="submit"]')
  }
  await page.waitForURL(isDashboard)
}

/** Opens the Schedule drawer of a document from its publish button's menu; returns the drawer. */
export const openScheduleDrawer = async (page: Page, serverUrl: string, id: number | string, collection = 'articles') => {
  await page.goto(`${serverUrl}/admin/collections/${collection}/${id}`)
  await page.locator('#action-save').waitFor()
  // The menu opens once the page is interactive: click again if its Schedule item does not show.
  const scheduleItem = page.locator('#schedule-publish')
  for (let attempt = 1; ; attempt++) {
    await page.locator('#action-save-popup button').first().click()
    const shown = await scheduleItem.waitFor({ timeout: 15_000 }).then(() => true, () => false)
    if (shown) break
    if (attempt === 4) throw new Error('the publish menu did not open')
  }
  await scheduleItem.click()
  const drawer = page.locator('.schedule-publish')
  await drawer.locator('.radio-input').first().waitFor()
  return drawer
}
