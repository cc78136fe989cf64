// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import UrgeDialog from '@/views/office/UrgeDialog.vue'

const units = [{ unit_id: 9, unit_name: '市公安局', role: 'co' }, { unit_id: 5, unit_name: '市交通运输局', role: 'lead', state: 'rehandling' }]

function mountDialog(send: (id: number, body: never) => Promise<never>) {
  return mount(UrgeDialog, { props: { modelValue: true, assignmentId: 12, units, title: '关于增设公交站点的建议', send: send as never },
    global: { plugins: [ElementPlus] }, attachTo: document.body })
}

describe('UrgeDialog', () => {
  afterEach(() => { document.body.innerHTML = '' })

  it('offers the units, the lead unit first and chosen', async () => {
    const wrapper = mountDialog(vi.fn())
    await flushPromises()
    const dialog = document.querySelector('[data-test="urge-dialog"]') as HTMLElement
    expect(dialog.textContent).toContain('关于增设公交站点的建议')
    expect(dialog.textContent).toContain('市交通运输局（主办）')
    wrapper.unmount()
  })

  it('sends a letter to the lead unit with the note, and says it is done', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 3, unit_id: 5, method: 'letter' } })
    const wrapper = mountDialog(send)
    await flushPromises()
    const note = document.querySelector('textarea[data-test="urge-note"]') as HTMLTextAreaElement
    note.value = '请于十五日内答复'
    note.dispatchEvent(new Event('input'))
    ;(document.querySelector('[data-test="urge-dialog"] form') as HTMLFormElement).dispatchEvent(new Event('submit'))
    await flushPromises()
    expect(send).toHaveBeenCalledWith(12, { method: 'letter', unit_id: 5, note: '请于十五日内答复' })
    expect(wrapper.emitted('done')?.[0]).toEqual([{ id: 3, unit_id: 5, method: 'letter' }])
    expect(wrapper.emitted('update:modelValue')?.[0]).toEqual([false])
    wrapper.unmount()
  })

  it('keeps the dialog open with the note on a refusal', async () => {
    const send = vi.fn().mockResolvedValue({ error: { error: { message: '该交办已办结', details: [{ field: 'unit_id', message: '该单位已办结' }] } } })
    const wrapper = mountDialog(send)
    await flushPromises()
    ;(document.querySelector('[data-test="urge-dialog"] form') as HTMLFormElement).dispatchEvent(new Event('submit'))
    await flushPromises()
    expect(wrapper.emitted('done')).toBeUndefined()
    expect(document.querySelector('[data-test="urge-dialog"]')?.textContent).toContain('该单位已办结')
    wrapper.unmount()
  })
})
