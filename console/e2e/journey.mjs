// The first sign-in of a new office clerk, in headless Debian Chromium (playwright-core, no browser
// download): wrong password, then sign in with the initial one, change it, enrol TOTP, keep the
// recovery codes, land on the office home, sign out. Run by tests/e2e/test_console.py, which creates
// the account and computes the TOTP codes: this script prints "SECRET <base32>" and reads a code
// from stdin. Screenshots of every step go to SHOTS.
//   BASE_URL=http://127.0.0.1:8000 LOGIN=... PASSWORD=... NEW_PASSWORD=... SHOTS=dir node e2e/journey.mjs
import { chromium } from 'playwright-core'
import { createInterface } from 'node:readline'
import { mkdirSync } from 'node:fs'

const { BASE_URL, LOGIN, PASSWORD, NEW_PASSWORD } = process.env
const SHOTS = process.env.SHOTS || '../.run/screenshots'
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
mkdirSync(SHOTS, { recursive: true })

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
async function ask(question) {
  console.log(question)
  const { value } = await lines.next()
  return String(value).trim()
}

const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update'],
})
const failures = []
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`))
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) failures.push(`console: ${m.text()}`) })
  const shot = (name) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })

  // a signed-out visitor lands on the sign-in page
  await page.goto(`${BASE_URL}/`)
  await page.waitForURL(/\/login/)
  await page.getByRole('heading', { name: '登录' }).waitFor()
  await shot('console-01-sign-in')

  // a wrong password: the API's refusal, in Chinese
  await page.locator('#login').fill(LOGIN)
  await page.locator('#password').fill('not-the-password')
  await page.locator('[data-test=submit]').click()
  await page.locator('[data-test=alert]').getByText('登录名或密码错误').waitFor()
  await shot('console-02-wrong-password')

  // the initial password: the page asks for a new one
  await page.locator('#password').fill(PASSWORD)
  await page.locator('[data-test=submit]').click()
  await page.getByRole('heading', { name: '修改初始密码' }).waitFor()
  await shot('console-03-change-password')
  await page.locator('#new-password').fill(NEW_PASSWORD)
  await page.locator('#confirm-password').fill(NEW_PASSWORD)
  await page.locator('[data-test=submit]').click()

  // TOTP enrolment: the QR image and the secret as text
  await page.getByRole('heading', { name: '设置两步验证' }).waitFor()
  const qr = page.locator('[data-test=qr]')
  await qr.waitFor()
  const qrWidth = await qr.evaluate((img) => img.naturalWidth)
  if (!(qrWidth > 0)) failures.push('the QR image did not load')
  await shot('console-04-totp-enrolment')
  const secret = (await page.locator('[data-test=secret]').textContent()).trim()
  const code = await ask(`SECRET ${secret}`)
  await page.locator('#enrol-code').fill(code)
  await page.locator('[data-test=submit]').click()

  // the recovery codes, once
  await page.locator('[data-test=recovery-codes]').waitFor()
  const codes = await page.locator('[data-test=recovery-codes] li').count()
  if (codes !== 10) failures.push(`${codes} recovery codes shown, not 10`)
  await shot('console-05-recovery-codes')
  await page.locator('[data-test=continue]').click()

  // the office home, with the office's menu and the person's name
  await page.locator('[data-test=home]').waitFor()
  await page.waitForURL((url) => url.pathname === '/')
  const header = await page.locator('[data-test=user-menu]').textContent()
  if (!header.includes('代表工委')) failures.push(`header names ${header}, not the office role`)
  await page.waitForLoadState('networkidle')
  await shot('console-06-office-home')

  // sign out: back at the sign-in page, and the home needs signing in again
  await page.locator('[data-test=user-menu]').click()
  await page.locator('[data-test=sign-out]').click()
  await page.waitForURL(/\/login/)
  await page.goto(`${BASE_URL}/admin/accounts`)
  await page.waitForURL(/\/login\?next=/)
  await shot('console-07-signed-out')
} catch (error) {
  failures.push(String(error?.stack || error))
} finally {
  await browser.close()
}
console.log(failures.length ? `FAILED ${JSON.stringify(failures)}` : 'DONE')
process.exit(failures.length ? 1 : 0)
