// @vitest-environment jsdom
// The unit clerk's forms on an assignment: dispute, co-unit opinion, extension request, B-class follow-up.
import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import type { Component } from 'vue'
import DisputeForm from '@/views/unit/DisputeForm.vue'
import OpinionForm from '@/views/unit/OpinionForm.vue'
import ExtensionForm from '@/views/unit/ExtensionForm.vue'
import FollowUpForm from '@/views/unit/FollowUpForm.vue'
import { needsFollowUp, ownReply, type Detail } from '@/views/unit/assignment'

const mountForm = (form: Component, send: unknown, props: Record<string, unknown> = {}) =>
  mount(form, { props: { send, ...props }, global: { plugins: [ElementPlus] }, attachTo: document.body })

const refusal = (field: string, message: string) =>
  ({ error: { error: { code: 'validation', message: '校验失败', details: [{ field: `body.${field}`, message }] } } })

async function submit(wrapper: ReturnType<typeof mountForm>) {
  await wrapper.get('form').trigger('submit')
  await flushPromises()
  await flushPromises()
}

describe('DisputeForm', () => {
  it('asks for a reason before sending, then sends it', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 1 } })
    const wrapper = mountForm(DisputeForm, send, { until: '2027-01-10T15:59:59Z' })
    expect(wrapper.text()).toContain('2027/01/10')
    await submit(wrapper)
    expect(send).not.toHaveBeenCalled()
    expect(wrapper.get('[data-test="field-error"]').text()).toBe('请说明申请调整的理由')
    await wrapper.get('textarea[data-test="dispute-reason"]').setValue('不属于本单位职责')
    await submit(wrapper)
    expect(send).toHaveBeenCalledWith({ reason: '不属于本单位职责' })
    expect(wrapper.emitted('done')).toHaveLength(1)
  })

  it('shows the API\'s refusal next to the reason and keeps it', async () => {
    const send = vi.fn().mockResolvedValue(refusal('reason', '理由过长'))
    const wrapper = mountForm(DisputeForm, send)
    await wrapper.get('textarea[data-test="dispute-reason"]').setValue('很长的理由')
    await submit(wrapper)
    expect(wrapper.get('[data-test="field-error"]').text()).toBe('理由过长')
    expect((wrapper.get('textarea[data-test="dispute-reason"]').element as HTMLTextAreaElement).value).toBe('很长的理由')
    expect(wrapper.emitted('done')).toBeUndefined()
  })
})

describe('OpinionForm', () => {
  it('sends the co-unit\'s opinion and clears the field', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 3 } })
    const wrapper = mountForm(OpinionForm, send)
    await submit(wrapper)
    expect(send).not.toHaveBeenCalled()
    expect(wrapper.text()).toContain('请填写会办意见')
    await wrapper.get('textarea[data-test="opinion-content"]').setValue('财政补贴可纳入预算')
    await submit(wrapper)
    expect(send).toHaveBeenCalledWith({ content: '财政补贴可纳入预算' })
    expect((wrapper.get('textarea[data-test="opinion-content"]').element as HTMLTextAreaElement).value).toBe('')
  })
})

describe('ExtensionForm', () => {
  it('sends days and reason; the API\'s limit on days shows next to the days', async () => {
    const send = vi.fn().mockResolvedValueOnce(refusal('days', '最多还可延期 150 天')).mockResolvedValueOnce({ data: { id: 4 } })
    const wrapper = mountForm(ExtensionForm, send)
    await submit(wrapper)
    expect(wrapper.text()).toContain('请说明延期理由')
    expect(send).not.toHaveBeenCalled()
    await wrapper.get('textarea[data-test="extension-reason"]').setValue('需协调资金')
    await submit(wrapper)
    expect(send).toHaveBeenLastCalledWith({ days: 30, reason: '需协调资金' })
    expect(wrapper.get('[data-test="field-error"]').text()).toBe('最多还可延期 150 天')
    expect((wrapper.get('textarea[data-test="extension-reason"]').element as HTMLTextAreaElement).value).toBe('需协调资金')
    await submit(wrapper)
    expect(wrapper.emitted('done')).toHaveLength(1)
  })
})

describe('FollowUpForm', () => {
  it('sends the follow-up with the class now (A by default) and its signer', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 9 } })
    const wrapper = mountForm(FollowUpForm, send)
    await submit(wrapper)
    expect(wrapper.text()).toContain('请填写跟踪办理情况')
    expect(wrapper.text()).toContain('请填写签发人')
    await wrapper.get('textarea[data-test="follow-up-content"]').setValue('已建成')
    await wrapper.get('input[data-test="follow-up-signed-by"]').setValue('李局长')
    await submit(wrapper)
    expect(send).toHaveBeenCalledWith({ content: '已建成', signed_by: '李局长', result_class: 'A' })
    expect(wrapper.emitted('done')).toHaveLength(1)
  })
})

describe('which reply wants a follow-up', () => {
  const reply = (id: number, cls: string, extra = {}) =>
    ({ id, unit_id: 5, round: 1, result_class: cls, content: '', signed_by: '', at: '2027-01-01T00:00:00Z', ...extra })
  const detail = (replies: ReturnType<typeof reply>[]) => ({ replies } as unknown as Detail)

  it('is a B reply not yet followed up, by its own unit in this round', () => {
    const b = reply(1, 'B')
    expect(ownReply(detail([b]), 5, 1)).toEqual(b)
    expect(ownReply(detail([b]), 6, 1)).toBeUndefined()
    expect(needsFollowUp(detail([b]), b)).toBe(true)
    expect(needsFollowUp(detail([b, reply(2, 'A', { follow_up_of: 1 })]), b)).toBe(false)
    expect(needsFollowUp(detail([reply(1, 'A')]), reply(1, 'A'))).toBe(false)
    expect(ownReply(detail([b, reply(2, 'A', { follow_up_of: 1 })]), 5, 1)).toEqual(b)
  })
})
