import { describe, it, expect, vi, afterEach } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory, type RouteRecordRaw } from 'vue-router'
import ElementPlus from 'element-plus'
import RoleLayout from '@/layouts/RoleLayout.vue'
import { menuFor } from '@/layouts/menu'
import { useAuthStore } from '@/stores/auth'

function token(claims: Record<string, unknown>) {
  const part = (o: unknown) => btoa(unescape(encodeURIComponent(JSON.stringify(o)))).replace(/=+$/, '')
  return `${part({ alg: 'RS256' })}.${part(claims)}.sig`
}

const pages: RouteRecordRaw[] = [
  { path: '/office/queue', component: { template: '<div/>' }, meta: { roles: ['office'], title: '建议受理' } },
  { path: '/unit/tasks', component: { template: '<div/>' }, meta: { roles: ['unit'], title: '承办任务' } },
  { path: '/stats', component: { template: '<div/>' }, meta: { roles: ['office', 'leader'], title: '统计分析' } },
  { path: '/secret', component: { template: '<div/>' }, meta: { roles: ['office'], title: '隐藏', hideInMenu: true } },
]

describe('menu by role', () => {
  it('lists only the pages the role may open', () => {
    expect(menuFor('office', pages).map((m) => m.title)).toEqual(['首页', '建议受理', '统计分析'])
    expect(menuFor('unit', pages).map((m) => m.title)).toEqual(['首页', '承办任务'])
    expect(menuFor('leader', pages).map((m) => m.title)).toEqual(['首页', '统计分析'])
    expect(menuFor('deputy', pages).map((m) => m.title)).toEqual(['首页'])
  })

  it('gives administrators the accounts page and auditors the audit search', () => {
    expect(menuFor('admin').map((m) => m.title)).toContain('账号管理')
    expect(menuFor('admin').map((m) => m.title)).not.toContain('审计日志')
    expect(menuFor('auditor').map((m) => m.title)).toContain('审计日志')
    expect(menuFor('office').map((m) => m.title)).not.toContain('账号管理')
  })
})

describe('RoleLayout', () => {
  afterEach(() => { vi.unstubAllGlobals(); vi.useRealTimers() })

  it('shows the role menu, the person and the unread badge, polling it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    let unread = 3
    const fetch = vi.fn(async () => new Response(JSON.stringify({ items: [], total: unread, limit: 1, offset: 0 }),
      { status: 200, headers: { 'Content-Type': 'application/json' } }))
    vi.stubGlobal('fetch', fetch)
    const pinia = createPinia()
    setActivePinia(pinia)
    useAuthStore().setTokens(token({ sub: 'person-1', role: 'admin', name: '张管理' }), 'r1')
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/', component: RoleLayout, children: [{ path: '', component: { template: '<div/>' } }] }],
    })
    router.push('/')
    await router.isReady()
    const wrapper = mount(RoleLayout, { global: { plugins: [pinia, router, ElementPlus] } })
    await flushPromises()
    expect(wrapper.find('[data-test="menu"]').text()).toContain('账号管理')
    expect(wrapper.text()).toContain('张管理（系统管理员）')
    expect(wrapper.find('[data-test="badge"] sup').text()).toBe('3')
    const sent = (fetch.mock.calls[0] as unknown[])[0] as Request
    expect(sent.url).toContain('/api/v1/notifications?unread=true')
    expect(sent.headers.get('Authorization')).toMatch(/^Bearer /)
    unread = 5
    vi.advanceTimersByTime(30_000)
    await flushPromises()
    expect(wrapper.find('[data-test="badge"] sup').text()).toBe('5')
    wrapper.unmount()
  })
})

describe('RoleLayout on a phone', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('opens the same menu as a drawer from the ☰ button', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ items: [], total: 0, limit: 1, offset: 0 }),
      { status: 200, headers: { 'Content-Type': 'application/json' } })))
    const pinia = createPinia()
    setActivePinia(pinia)
    useAuthStore().setTokens(token({ sub: 'person-2', role: 'deputy', deputy_id: 2, name: '王代表' }), 'r2')
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/', component: RoleLayout, children: [{ path: '', component: { template: '<div/>' } }] }],
    })
    router.push('/')
    await router.isReady()
    const wrapper = mount(RoleLayout, { global: { plugins: [pinia, router, ElementPlus] }, attachTo: document.body })
    await flushPromises()
    expect(document.querySelector('[data-test="drawer-menu"]')).toBeNull()
    await wrapper.get('[data-test="menu-toggle"]').trigger('click')
    await flushPromises()
    const drawer = document.querySelector('[data-test="drawer-menu"]') as HTMLElement
    expect(drawer.textContent).toContain('草稿箱')
    expect(drawer.textContent).toContain('履职积分')
    wrapper.unmount()
  })
})
