// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import IntakeForm from '@/views/public/IntakeForm.vue'

const mountForm = (send = vi.fn()) =>
  mount(IntakeForm, { props: { send }, global: { plugins: [ElementPlus] }, attachTo: document.body })

const errorUnder = (wrapper: ReturnType<typeof mountForm>, id: string) =>
  wrapper.find(`#${id}`).exists() ? wrapper.get(`#${id}`).text() : ''

describe('IntakeForm (the public QR intake)', () => {
  it('asks for the content next to its field and sends nothing', async () => {
    const send = vi.fn()
    const wrapper = mountForm(send)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(send).not.toHaveBeenCalled()
    expect(errorUnder(wrapper, 'intake-content-error')).toBe('请填写您的意见或建议')
    expect(errorUnder(wrapper, 'intake-contact-error')).toBe('')
  })

  it('sends the content and the contact, then clears the form', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 9, received_at: '2026-11-30T02:00:00Z' } })
    const wrapper = mountForm(send)
    await wrapper.get('[data-test="intake-content"]').setValue('  小区门口路灯坏了一个月  ')
    await wrapper.get('[data-test="intake-contact"]').setValue('13800000000')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(send).toHaveBeenCalledWith({ content: '小区门口路灯坏了一个月', contact: '13800000000' })
    expect(wrapper.emitted('done')).toEqual([[{ id: 9, received_at: '2026-11-30T02:00:00Z' }]])
    expect((wrapper.get('[data-test="intake-content"]').element as HTMLTextAreaElement).value).toBe('')
  })

  it('leaves the contact out when none is given', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 1, received_at: '2026-11-30T02:00:00Z' } })
    const wrapper = mountForm(send)
    await wrapper.get('[data-test="intake-content"]').setValue('希望增加公园健身器材')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(send).toHaveBeenCalledWith({ content: '希望增加公园健身器材' })
  })

  it("shows the API's field error next to that field and keeps what was typed", async () => {
    const send = vi.fn().mockResolvedValue({
      error: { error: { code: 'validation', message: 'invalid', details: [{ field: 'body.contact', message: '联系方式格式不正确' }] } },
    })
    const wrapper = mountForm(send)
    await wrapper.get('[data-test="intake-content"]').setValue('路口红绿灯时间太短')
    await wrapper.get('[data-test="intake-contact"]').setValue('不对的联系方式')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(errorUnder(wrapper, 'intake-contact-error')).toBe('联系方式格式不正确')
    expect(errorUnder(wrapper, 'intake-content-error')).toBe('')
    expect((wrapper.get('[data-test="intake-content"]').element as HTMLTextAreaElement).value).toBe('路口红绿灯时间太短')
    expect((wrapper.get('[data-test="intake-contact"]').element as HTMLInputElement).value).toBe('不对的联系方式')
    expect(wrapper.emitted('done')).toBeUndefined()
  })

  it('says in Chinese when the link is rate limited, keeping the text', async () => {
    const send = vi.fn().mockResolvedValue({
      error: { error: { code: 'rate_limited', message: 'too many submissions', details: [{ field: 'qr_token', retry_after: 60 }] } },
    })
    const wrapper = mountForm(send)
    await wrapper.get('[data-test="intake-content"]').setValue('第六条意见')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-test="intake-failure"]').text()).toContain('提交过于频繁，请稍后再试')
    expect((wrapper.get('[data-test="intake-content"]').element as HTMLTextAreaElement).value).toBe('第六条意见')
  })
})
