// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createMemoryHistory, createRouter } from 'vue-router'

const GET = vi.fn()
vi.mock('@/api/client', () => ({ api: { GET: (...a: unknown[]) => GET(...a), POST: vi.fn() } }))

import SupervisionBoard from '@/views/office/SupervisionBoard.vue'

const listed = { items: [{ id: 12, suggestion_id: 4, number: '第0004号', title: '关于老旧小区加装电梯的建议', due_at: '2026-12-30T15:59:59Z',
  state: 'rehandling', round: 2, supervised: true, units: [{ unit_id: 5, name: '市住建局', role: 'lead', state: 'rehandling' }] }], total: 1 }

function mountBoard(props: Record<string, unknown> = {}) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] })
  return mount(SupervisionBoard, { props, global: { plugins: [ElementPlus, router] }, attachTo: document.body })
}

const lastQuery = () => (GET.mock.calls.at(-1)![1] as { params: { query: Record<string, unknown> } }).params.query

describe('SupervisionBoard', () => {
  beforeEach(() => {
    GET.mockReset()
    GET.mockImplementation(async (path: string) => path === '/stats/overdue'
      ? { data: { items: [{ assignment_id: 12, suggestion_id: 4, title: '超期件', unit_id: 5, unit_name: '市住建局', lead_unit_id: 5,
        state: 'signed', round: 1, days_late: 9, due_at: '2026-10-01T15:59:59Z' }], limit: 200 } }
      : { data: listed })
  })
  afterEach(() => { document.body.innerHTML = '' })

  it('opens on the items due within seven days, soonest first, paged on the server', async () => {
    mountBoard()
    await flushPromises()
    expect(GET.mock.calls[0][0]).toBe('/assignments')
    expect(lastQuery()).toEqual({ due_within: 7, sort: 'due_at', limit: 20, offset: 0 })
  })

  it('asks for the reopened items on the 不满意重办 tab and for the overdue from /stats/overdue', async () => {
    const wrapper = mountBoard()
    await flushPromises()
    expect(wrapper.find('#tab-all').exists()).toBe(false)
    await wrapper.get('#tab-rehandling').trigger('click')
    await flushPromises()
    expect(lastQuery()).toEqual({ state: 'rehandling', limit: 20, offset: 0 })
    await wrapper.get('#tab-overdue').trigger('click')
    await flushPromises()
    expect(GET.mock.calls.at(-1)![0]).toBe('/stats/overdue')
    await wrapper.get('#tab-extension').trigger('click')
    await flushPromises()
    expect(lastQuery()).toEqual({ extension_pending: true, limit: 20, offset: 0 })
  })

  it("is a leader's own list with `mine`, without the office's extension decisions", async () => {
    const wrapper = mountBoard({ mine: true })
    await flushPromises()
    expect(lastQuery()).toEqual({ leader: 'me', limit: 20, offset: 0 })
    expect(wrapper.find('#tab-extension').exists()).toBe(false)
    expect(wrapper.find('#tab-all').exists()).toBe(true)
    expect(wrapper.text()).toContain('我督办的建议')
  })

  it('shows the API refusal', async () => {
    GET.mockResolvedValue({ error: { error: { message: '服务暂不可用' } } })
    const wrapper = mountBoard()
    await flushPromises()
    expect(wrapper.text()).toContain('服务暂不可用')
  })
})
