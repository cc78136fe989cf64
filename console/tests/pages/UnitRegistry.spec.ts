// @vitest-environment jsdom
// The unit registry (issue 18): the kind shown by its Chinese name, prefilled from the name typed, and a
// unit corrected in place with PATCH (its code is its identity and stays).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'

const GET = vi.fn()
const POST = vi.fn()
const PATCH = vi.fn()
vi.mock('@/api/client', () => ({ api: {
  GET: (...a: unknown[]) => GET(...a), POST: (...a: unknown[]) => POST(...a), PATCH: (...a: unknown[]) => PATCH(...a) } }))

import UnitRegistry from '@/views/office/registry/UnitRegistry.vue'

const unit = { id: 5, name: '沾益区住建局', code: 'ZJ', duties: '房屋建设', keywords: ['物业'], categories: [], email: null,
  webhook_url: null, kind: 'housing', level: 'county', region: '云南省曲靖市沾益区' }

describe('UnitRegistry', () => {
  beforeEach(() => {
    GET.mockReset(); POST.mockReset(); PATCH.mockReset()
    GET.mockImplementation(async (path: string) => {
      if (path === '/unit-kinds') return { data: { items: [{ code: 'housing', name: '住房和城乡建设局' }, { code: 'transport', name: '交通运输局' }] } }
      if (path === '/units/kind') return { data: { name: '市交通运输局', kind: 'transport', kind_name: '交通运输局' } }
      if (path === '/categories') return { data: { items: [] } }
      return { data: { items: [unit], total: 1 } }
    })
  })
  afterEach(() => { document.body.innerHTML = '' })

  it('lists a unit with its kind, level and region', async () => {
    const wrapper = mount(UnitRegistry, { global: { plugins: [ElementPlus] }, attachTo: document.body })
    await flushPromises()
    expect(wrapper.get('[data-test="units"]').text()).toContain('住房和城乡建设局')
    expect(wrapper.get('[data-test="units"]').text()).toContain('县级 · 云南省曲靖市沾益区')
  })

  it('prefills the kind recognised from the name of a new unit', async () => {
    const wrapper = mount(UnitRegistry, { global: { plugins: [ElementPlus] }, attachTo: document.body })
    await flushPromises()
    await wrapper.get('[data-test="new-unit"]').trigger('click')
    await flushPromises()
    const name = wrapper.get('input[data-test="unit-name"]')
    await name.setValue('市交通运输局')
    await name.trigger('change')
    await flushPromises()
    expect(GET).toHaveBeenCalledWith('/units/kind', { params: { query: { name: '市交通运输局' } } })
    expect(wrapper.text()).toContain('按名称识别为：交通运输局')
  })

  it('corrects a unit with PATCH, without its code', async () => {
    PATCH.mockResolvedValue({ data: unit })
    const wrapper = mount(UnitRegistry, { global: { plugins: [ElementPlus] }, attachTo: document.body })
    await flushPromises()
    await wrapper.get('[data-test="edit-unit"]').trigger('click')
    await flushPromises()
    await wrapper.get('input[data-test="unit-region"]').setValue('云南省曲靖市')
    await wrapper.get('[data-test="save-unit"]').trigger('click')
    await flushPromises()
    expect(PATCH).toHaveBeenCalledTimes(1)
    const [path, options] = PATCH.mock.calls[0] as [string, { params: { path: { unit_id: number } }; body: Record<string, unknown> }]
    expect(path).toBe('/units/{unit_id}')
    expect(options.params.path.unit_id).toBe(5)
    expect(options.body).toMatchObject({ name: '沾益区住建局', kind: 'housing', level: 'county', region: '云南省曲靖市',
      keywords: ['物业'] })
    expect(options.body).not.toHaveProperty('code')
    expect(POST).not.toHaveBeenCalled()
  })
})
