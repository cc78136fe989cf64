// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import ReplyForm from '@/views/common/ReplyForm.vue'

const mountForm = (send = vi.fn(), upload = vi.fn()) =>
  mount(ReplyForm, { props: { send, upload }, global: { plugins: [ElementPlus] }, attachTo: document.body })

async function fill(wrapper: ReturnType<typeof mountForm>) {
  await wrapper.get('[data-test="class-B"] input').setValue(true)
  await wrapper.get('[data-test="content"]').setValue('已列入明年计划。')
  await wrapper.get('[data-test="signed-by"]').setValue('张局长')
}

describe('ReplyForm', () => {
  it('asks for each field before sending anything', async () => {
    const send = vi.fn()
    const wrapper = mountForm(send)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(send).not.toHaveBeenCalled()
    const text = wrapper.text()
    expect(text).toContain('请选择办理结果类别')
    expect(text).toContain('请填写答复内容')
    expect(text).toContain('请填写签发人')
  })

  it('sends the reply, then uploads the letter onto it', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 7 } })
    const upload = vi.fn().mockResolvedValue({ data: {} })
    const wrapper = mountForm(send, upload)
    await fill(wrapper)
    const letter = new File(['%PDF-1.4'], '答复函.pdf', { type: 'application/pdf' })
    const input = wrapper.get('[data-test="letter"]').element as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [letter] })
    await wrapper.get('[data-test="letter"]').trigger('change')
    await wrapper.get('form').trigger('submit')
   await flushPromises()
    await flushPromises()
    expect(send).toHaveBeenCalledWith({ result_class: 'B', content: '已列入明年计划。', signed_by: '张局长' })
    expect(upload).toHaveBeenCalledWith(7, letter)
    expect(wrapper.emitted('done')).toEqual([[7]])
  })

  it('shows the API\'s field errors next to the field and keeps what was typed', async () => {
    const send = vi.fn().mockResolvedValue({
      error: { error: { code: 'validation', message: '校验失败', details: [{ field: 'body.signed_by', message: '签发人过长' }] } },
    })
    const wrapper = mountForm(send)
    await fill(wrapper)
    await wrapper.get('form').trigger('submit')
   await flushPromises()
    await flushPromises()
    expect(wrapper.text()).toContain('签发人过长')
    expect((wrapper.get('[data-test="content"]').element as HTMLTextAreaElement).value).toBe('已列入明年计划。')
    expect(wrapper.emitted('done')).toBeUndefined()
  })
})
