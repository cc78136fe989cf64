// @vitest-environment jsdom
// The office's 交办 card (issue 18): the co-unit recommendations (会办建议) with their reasons, and a
// button that adds one to the co-units sent with the assignment.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'

const GET = vi.fn()
const POST = vi.fn()
vi.mock('@/api/client', () => ({ api: { GET: (...a: unknown[]) => GET(...a), POST: (...a: unknown[]) => POST(...a) },
  errorOf: () => null }))

import OfficeSuggestion from '@/views/office/OfficeSuggestion.vue'

const suggestion = { id: 9, title: '关于增设公交站点的建议', body: '……', status: 'accepted', session: '十六届三次', kind: 'session',
  category: 'transport', timeline: [] }
const routing = { suggestion_id: 9,
  candidates: [{ unit_id: 1, unit_name: '市交通运输局', score: 0.8, reasons: ['标题“公交站点”与职责相符'] }],
  co_candidates: [{ unit_id: 2, unit_name: '市公安局交通警察支队', score: 0.5, reasons: ['以往本单位主办的建议 3 次请其会办'] }] }

async function mountPage() {
  setActivePinia(createPinia())
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/office/suggestions/:id', component: OfficeSuggestion }] })
  await router.push('/office/suggestions/9')
  const wrapper = mount(OfficeSuggestion, { global: { plugins: [ElementPlus, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('OfficeSuggestion routing card', () => {
  beforeEach(() => {
    GET.mockReset(); POST.mockReset()
    GET.mockImplementation(async (path: string) => {
      if (path === '/suggestions/{suggestion_id}') return { data: suggestion }
      if (path === '/suggestions/{suggestion_id}/routing') return { data: routing }
      if (path === '/units') return { data: { items: [{ id: 1, name: '市交通运输局' }, { id: 2, name: '市公安局交通警察支队' }] } }
      return { data: { items: [] } }
    })
    POST.mockResolvedValue({ error: { error: { code: 'conflict', message: 'stop here' } } })
  })
  afterEach(() => { document.body.innerHTML = '' })

  it('shows the co-unit recommendations with their reasons and adds one to the co-units', async () => {
    const wrapper = await mountPage()
    const co = wrapper.get('[data-test="co-routing"]')
    expect(co.text()).toContain('市公安局交通警察支队')
    expect(co.text()).toContain('以往本单位主办的建议 3 次请其会办')
    const add = wrapper.get('[data-test="add-co-unit"]')
    await add.trigger('click')
    await flushPromises()
    expect(add.text()).toBe('已加入')
    expect(add.attributes('disabled')).toBeDefined()
    const submit = wrapper.findAll('button').find((b) => b.text() === '交办')
    await submit!.trigger('click')
    await flushPromises()
    const [, options] = POST.mock.calls.find(([path]) => path === '/suggestions/{suggestion_id}/assignment') as
      [string, { body: Record<string, unknown> }]
    expect(options.body).toMatchObject({ mode: 'lead', lead_unit_id: 1, co_unit_ids: [2] })
  })
})
