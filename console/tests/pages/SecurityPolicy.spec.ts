// @vitest-environment jsdom
// The security administrator's policy page: a refused value is named under its field, what was typed
// stays; a saved policy shows what the API kept.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import SecurityPolicyView from '@/views/admin/SecurityPolicyView.vue'

const answer = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
const POLICY = { min_length: 12, classes: 3, history: 5, lockout_threshold: 5, lockout_minutes: 15, idle_minutes: 30,
  access_ttl_seconds: 600, mfa_roles: ['office', 'admin'] }

describe('SecurityPolicyView', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('shows the API field error under its field and keeps what was typed, then saves', async () => {
    const sent: Record<string, unknown>[] = []
    let refuse = true
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      if (req.method === 'GET') return answer(POLICY)
      const body = await req.json()
      sent.push(body)
      if (refuse) {
        return answer({ error: { code: 'validation_failed', message: 'invalid body',
          details: [{ field: 'idle_minutes', message: '不得超过1440' }] } }, 422)
      }
      return answer(body)
    }))
    setActivePinia(createPinia())
    const page = mount(SecurityPolicyView, { global: { plugins: [ElementPlus] }, attachTo: document.body })
    await flushPromises()
    const idle = page.get('[data-test="idle_minutes"] input')
    expect((idle.element as HTMLInputElement).value).toBe('30')

    await idle.setValue('45')
    await idle.trigger('change')
    await page.get('[data-test="policy"]').trigger('submit')
    await flushPromises()
    expect(sent[0]).toMatchObject({ idle_minutes: 45, min_length: 12, mfa_roles: ['office', 'admin'] })
    const error = page.findAll('[data-test="field-error"]')
    expect(error).toHaveLength(1)
    expect(error[0].text()).toBe('不得超过1440')
    expect((page.get('[data-test="idle_minutes"] input').element as HTMLInputElement).value).toBe('45')

    refuse = false
    await page.get('[data-test="policy"]').trigger('submit')
    await flushPromises()
    expect(sent[1]).toMatchObject({ idle_minutes: 45 })
    expect(page.findAll('[data-test="field-error"]')).toHaveLength(0)
    page.unmount()
  })
})
