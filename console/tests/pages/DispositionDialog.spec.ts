// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import DispositionDialog from '@/views/station/DispositionDialog.vue'

const opinion = { id: 42, content: '小区门口路灯坏了一个月' }
const deputies = [{ id: 3, name: '王建国' }, { id: 5, name: '李红梅' }]

function mountDialog(send = vi.fn()) {
  return mount(DispositionDialog, {
    props: { modelValue: true, opinion, deputies, categories: [{ code: 'urban', name: '城乡建设' }], send },
    global: { plugins: [ElementPlus] }, attachTo: document.body,
  })
}

const q = (selector: string) => document.body.querySelector(selector) as HTMLElement | null
const errors = () => [...document.body.querySelectorAll('[data-test="disposition-dialog"] [data-test="field-error"]')].map((e) => e.textContent)

async function choose(action: string) {
  const radio = q(`[data-test="action-${action}"] input`) as HTMLInputElement
  radio.checked = true
  radio.dispatchEvent(new Event('change'))
  await flushPromises()
}

async function type(selector: string, text: string) {
  const input = q(selector) as HTMLInputElement
  input.value = text
  input.dispatchEvent(new Event('input'))
  await flushPromises()
}

/** Opens the deputy select and clicks the option (its dropdown is teleported to the body). */
async function pick(name: string) {
  const select = q('[data-test="disposition-dialog"] .el-select__wrapper')!
  select.dispatchEvent(new MouseEvent('click', { bubbles: true }))
  await flushPromises()
  const option = [...document.body.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent?.includes(name)) as HTMLElement
  option.click()
  await flushPromises()
}

const confirm = async () => { q('[data-test="dispose"]')!.click(); await flushPromises() }

describe('DispositionDialog', () => {
  it('asks for the action and the note before sending anything', async () => {
    const send = vi.fn()
    const wrapper = mountDialog(send)
    await flushPromises()
    await confirm()
    expect(send).not.toHaveBeenCalled()
    expect(errors()).toEqual(['请选择处理方式', '请填写处理说明'])
    wrapper.unmount()
  })

  it('asks for the unit when forwarding, and sends it', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 42, status: 'forwarded' } })
    const wrapper = mountDialog(send)
    await flushPromises()
    await choose('forwarded')
    await type('[data-test="disposition-note"]', '请城管部门维修')
    await confirm()
    expect(send).not.toHaveBeenCalled()
    expect(errors()).toEqual(['请填写转交的单位'])
    await type('[data-test="unit-name"]', '区城市管理局')
    await confirm()
    expect(send).toHaveBeenCalledWith(42, { action: 'forwarded', note: '请城管部门维修', unit_name: '区城市管理局' })
    expect(wrapper.emitted('done')).toEqual([[{ id: 42, status: 'forwarded' }]])
    expect(wrapper.emitted('update:modelValue')).toEqual([[false]])
    wrapper.unmount()
  })

  it('escalates to a member deputy with a title, and asks for the deputy first', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 42, status: 'escalated' } })
    const wrapper = mountDialog(send)
    await flushPromises()
    await choose('escalated')
    await type('[data-test="disposition-note"]', '由代表形成建议')
    await confirm()
    expect(errors()).toEqual(['请选择转交的代表'])
    expect(send).not.toHaveBeenCalled()
    await pick('李红梅')
    await type('[data-test="suggestion-title"]', '关于修复小区路灯的建议')
    await confirm()
    expect(send).toHaveBeenCalledWith(42, { action: 'escalated', note: '由代表形成建议', deputy_id: 5, title: '关于修复小区路灯的建议' })
    wrapper.unmount()
  })

  it("shows the API's field error next to the field and keeps what was typed", async () => {
    const send = vi.fn().mockResolvedValue({
      error: { error: { code: 'validation', message: '校验失败', details: [{ field: 'body.unit_name', message: '单位名称过长' }] } },
    })
    const wrapper = mountDialog(send)
    await flushPromises()
    await choose('forwarded')
    await type('[data-test="unit-name"]', '某某单位')
    await type('[data-test="disposition-note"]', '转交办理')
    await confirm()
    expect(send).toHaveBeenCalledTimes(1)
    expect(errors()).toEqual(['单位名称过长'])
    expect((q('[data-test="unit-name"]') as HTMLInputElement).value).toBe('某某单位')
    expect((q('[data-test="disposition-note"]') as HTMLTextAreaElement).value).toBe('转交办理')
    expect(wrapper.emitted('done')).toBeUndefined()
    wrapper.unmount()
  })
})
