// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createMemoryHistory, createRouter } from 'vue-router'
import ScreeningForm from '@/views/office/ScreeningForm.vue'

const similar = [{ id: 41, number: '第0041号', title: '关于增设公交站点的建议', status: 'accepted', similarity: 0.82 }]

function mountForm(send: (body: never) => Promise<never>, hints = similar) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] })
  return mount(ScreeningForm, { props: { similar: hints, send: send as never }, global: { plugins: [ElementPlus, router] },
    attachTo: document.body })
}

describe('ScreeningForm', () => {
  afterEach(() => { document.body.innerHTML = '' })

  it('shows the similar-suggestion hints with their similarity', () => {
    const text = mountForm(vi.fn()).get('[data-test="similar"]').text()
    expect(text).toContain('关于增设公交站点的建议')
    expect(text).toContain('82%')
    expect(text).toContain('第0041号')
  })

  it('accepts without a reason', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 7 } })
    const wrapper = mountForm(send)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(send).toHaveBeenCalledWith({ decision: 'accept' })
    expect(wrapper.emitted('done')).toHaveLength(1)
  })

  it('merges into the hint picked, with a reason proposed', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 7 } })
    const wrapper = mountForm(send)
    await wrapper.get('[data-test="merge-into-41"]').trigger('click')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(send).toHaveBeenCalledWith({ decision: 'merge', merge_into_id: 41,
      reason: '与第0041号《关于增设公交站点的建议》内容相近，并案办理' })
  })

  it('needs a reason to return or convert', async () => {
    const send = vi.fn().mockResolvedValue({ data: {} })
    const wrapper = mountForm(send, [])
    await wrapper.get('[data-test="decision-convert_letter"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(send).not.toHaveBeenCalled()
    expect(wrapper.text()).toContain('请填写理由')
    await wrapper.get('textarea[data-test="reason"]').setValue('属于代表来信')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(send).toHaveBeenCalledWith({ decision: 'convert_letter', reason: '属于代表来信' })
  })

  it("shows the API's field error under the field and keeps what was typed", async () => {
    const send = vi.fn().mockResolvedValue({ error: { error: { code: 'invalid', message: '填写有误',
      details: [{ field: 'body.reason', message: '理由过长' }] } } })
    const wrapper = mountForm(send, [])
    await wrapper.get('[data-test="decision-return"] input').setValue(true)
    await wrapper.get('textarea[data-test="reason"]').setValue('不符合建议的要求')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-test="field-error"]').text()).toBe('理由过长')
    expect((wrapper.get('textarea[data-test="reason"]').element as HTMLTextAreaElement).value).toBe('不符合建议的要求')
    expect(wrapper.emitted('done')).toBeUndefined()
  })
})
