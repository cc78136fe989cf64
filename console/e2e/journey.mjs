// The first sign-in of a new person, in headless Debian Chromium (playwright-core, no browser
// download): wrong password, then sign in with the initial one, change it, enrol TOTP, keep the
// recovery codes, land on the home of their ROLE (office, admin, auditor), use that role's page
// (admin: create an account, see its one-time password, disable it; auditor: search the trail), sign out. Run by tests/e2e/test_console.py, which creates
// the account and computes the TOTP codes: this script prints "SECRET <base32>" and reads a code
// from stdin. Screenshots of every step go to SHOTS.
//   BASE_URL=http://127.0.0.1:8000 LOGIN=... PASSWORD=... NEW_PASSWORD=... SHOTS=dir node e2e/journey.mjs
import { chromium } from 'playwright-core'
import { createInterface } from 'node:readline'
import { mkdirSync } from 'node:fs'

const { BASE_URL, LOGIN, PASSWORD, NEW_PASSWORD } = process.env
const ROLE = process.env.ROLE || 'office'
const ROLE_NAME = { office: '代表工委', admin: '系统管理员', auditor: '审计员' }[ROLE]
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
  const shot = (name) => page.screenshot({ path: `${SHOTS}/${ROLE === 'office' ? name : name.replace('console-', `console-${ROLE}-`)}.png`, fullPage: true })

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

  // the role's home, with its menu and the person's name
  await page.locator('[data-test=home]').waitFor()
  await page.waitForURL((url) => url.pathname === '/')
  const header = await page.locator('[data-test=user-menu]').textContent()
  if (!header.includes(ROLE_NAME)) failures.push(`header names ${header}, not ${ROLE_NAME}`)
  await page.waitForLoadState('networkidle')
  await shot(`console-06-${ROLE}-home`)

  if (ROLE === 'admin') {
    // accounts: create one (the one-time password once), find it, disable it
    await page.locator('[data-test=menu]').getByText('账号管理').click()
    await page.locator('[data-test=accounts-table]').waitFor()
    await page.locator('[data-test=create]').click()
    const dialog = page.getByRole('dialog', { name: '新建账号' })
    const newLogin = `made${Date.now().toString(36)}`
    await dialog.getByLabel('登录名').fill('x y')  // not a login name: the API names the field
    await dialog.getByLabel('姓名').fill('李单位')
    await dialog.getByRole('button', { name: '创建' }).click()
    await dialog.locator('[data-test=field-error]').first().waitFor()
    await shot('console-08-create-field-error')
    await dialog.getByLabel('登录名').fill(newLogin)
    await dialog.getByRole('button', { name: '创建' }).click()
    const initial = (await dialog.locator('[data-test=initial-password]').textContent()).trim()
    if (initial.length < 12) failures.push(`one-time password ${initial}`)
    await shot('console-09-created')
    await dialog.getByRole('button', { name: '我已记下' }).click()
    await page.getByLabel('关键词').fill(newLogin)
    await page.getByRole('button', { name: '查询' }).click()
    const row = page.locator('[data-test=accounts-table] .el-table__body tr', { hasText: newLogin })
    await row.waitFor()
    await row.getByRole('button', { name: '停用' }).click()
    await page.locator('.el-message-box input').fill('测试停用')
    await page.locator('.el-message-box').getByRole('button', { name: '停用' }).click()
    await row.getByText('已停用').waitFor()
    await shot('console-10-disabled')
  }
  if (ROLE === 'auditor') {
    await page.locator('[data-test=menu]').getByText('审计日志').click()
    await page.getByLabel('操作').fill('sign_in')
    await page.getByRole('button', { name: '查询' }).click()
    await page.locator('[data-test=audit-table] .el-table__body tr').first().waitFor()
    await page.waitForLoadState('networkidle')
    await shot('console-08-audit')
  }

  // sign out (the administrator: everywhere): back at the sign-in page, and pages need signing in again
  await page.locator('[data-test=user-menu]').click()
  await page.locator(ROLE === 'admin' ? '[data-test=sign-out-everywhere]' : '[data-test=sign-out]').click()
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
