// @vitest-environment jsdom
// The inbox page: lists the notifications, marks one read, and the layout's badge count follows at once.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import NotificationsView from '@/views/common/NotificationsView.vue'
import { useUnreadCount } from '@/composables/notifications'
import { useAuthStore } from '@/stores/auth'

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
const token = (claims: Record<string, unknown>) => {
  const part = (o: unknown) => btoa(unescape(encodeURIComponent(JSON.stringify(o)))).replace(/=+$/, '')
  return `${part({ alg: 'RS256' })}.${part(claims)}.sig`
}

// a badge like the layout's: the shared unread count
const Badge = defineComponent({ setup() { const { unread } = useUnreadCount(); return () => h('span', { 'data-test': 'count' }, String(unread.value)) } })

describe('NotificationsView', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('marks a notification read and lowers the badge without a reload; saves the channels', async () => {
    const notes = [
      { id: 1, type: 'suggestion.accepted', title: '您的建议已立案', body: '第0001号已立案', suggestion_id: 7, created_at: '2027-01-02T02:00:00Z', read: false, read_at: null },
      { id: 2, type: 'assignment.replied', title: '您的建议已答复', body: '市交通局已答复', suggestion_id: 7, created_at: '2027-01-01T02:00:00Z', read: true, read_at: null },
    ]
    const calls: string[] = []
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      const url = new URL(req.url)
      calls.push(`${req.method} ${url.pathname}${url.search}`)
      if (url.pathname.endsWith('/read')) { notes[0].read = true; return json({ ...notes[0] }) }
      if (url.pathname.endsWith('/preferences')) {
        return json(req.method === 'PUT' ? { recipient: 'deputy:3', ...(await req.json()) } : { recipient: 'deputy:3', email: true, webhook: false })
      }
      const unreadOnly = url.searchParams.get('unread') === 'true'
      const items = notes.filter((n) => !unreadOnly || !n.read)
      return json({ items, total: items.length, limit: 10, offset: 0 })
    }))
    const pinia = createPinia()
    setActivePinia(pinia)
    useAuthStore().setTokens(token({ sub: 'person-3', role: 'deputy', deputy_id: 3, name: '王代表' }), 'r')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
    const global = { plugins: [pinia, router, ElementPlus] }
    const badge = mount(Badge, { global })
    const page = mount(NotificationsView, { global, attachTo: document.body })
    await flushPromises()
    expect(badge.text()).toBe('1')
    expect(page.findAll('[data-test="notification"]')).toHaveLength(2)
    expect(page.text()).toContain('您的建议已立案')
    expect(page.text()).toContain('未读')
    expect(page.find('a[href="/deputy/suggestions/7"]').exists()).toBe(true)

    await page.get('[data-test="mark-read"]').trigger('click')
    await flushPromises()
    expect(calls).toContain('POST /api/v1/notifications/1/read')
    expect(badge.text()).toBe('0')
    expect(page.find('[data-test="mark-read"]').exists()).toBe(false)

    await page.get('form').trigger('submit')
    await flushPromises()
    expect(calls).toContain('PUT /api/v1/notifications/preferences')
    page.unmount()
    badge.unmount()
  })
})
