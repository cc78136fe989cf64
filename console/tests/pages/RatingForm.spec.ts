// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import RatingForm from '@/views/common/RatingForm.vue'

const mountForm = (send: (body: never) => Promise<never>) =>
  mount(RatingForm, { props: { send: send as never }, global: { plugins: [ElementPlus] }, attachTo: document.body })

describe('RatingForm', () => {
  it('offers the three grades in Chinese', () => {
    const wrapper = mountForm(vi.fn())
    const text = wrapper.text()
    for (const grade of ['满意', '基本满意', '不满意']) expect(text).toContain(grade)
  })

  it('needs a grade before sending', async () => {
    const send = vi.fn()
    const wrapper = mountForm(send)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(send).not.toHaveBeenCalled()
    expect(wrapper.text()).toContain('请选择满意程度')
  })

  it('sends a satisfied rating', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 1 } })
    const wrapper = mountForm(send)
    await wrapper.get('[data-test="rate-satisfied"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
   await flushPromises()
    await flushPromises()
    expect(send).toHaveBeenCalledWith({ satisfaction: 'satisfied' })
    expect(wrapper.emitted('done')).toHaveLength(1)
  })

  it('asks why when dissatisfied, then sends the comment', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 2 } })
    const wrapper = mountForm(send)
    await wrapper.get('[data-test="rate-dissatisfied"] input').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(send).not.toHaveBeenCalled()
    expect(wrapper.text()).toContain('不满意时请说明理由')
    await wrapper.get('[data-test="comment"]').setValue('站点仍未增设')
    await wrapper.get('form').trigger('submit')
   await flushPromises()
    await flushPromises()
    expect(send).toHaveBeenCalledWith({ satisfaction: 'dissatisfied', comment: '站点仍未增设' })
  })
})
