// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import ScoreForm from '@/views/assessor/ScoreForm.vue'
import { myScore, scoredCount } from '@/views/assessor/assessment'

const mountForm = (send: (body: never) => Promise<never>) =>
  mount(ScoreForm, { props: { suggestionId: 7, send: send as never }, global: { plugins: [ElementPlus] },
                     attachTo: document.body })

const scoreInput = (wrapper: ReturnType<typeof mountForm>) =>
  wrapper.find('input[data-test="score"]').exists() ? wrapper.get('input[data-test="score"]') : wrapper.get('[data-test="score"] input')

async function submit(wrapper: ReturnType<typeof mountForm>) {
  await wrapper.get('form').trigger('submit')
  await flushPromises()
  await flushPromises()
}

describe('ScoreForm', () => {
  it('needs a score before sending, and says so under the field', async () => {
    const send = vi.fn()
    const wrapper = mountForm(send)
    await submit(wrapper)
    expect(send).not.toHaveBeenCalled()
    expect(wrapper.get('#score-error').text()).toBe('请填写评分（0–100 分）')
  })

  it('sends the score and the comment for the sampled suggestion', async () => {
    const send = vi.fn().mockResolvedValue({ data: { id: 1 } })
    const wrapper = mountForm(send)
    await scoreInput(wrapper).setValue('86')
    await scoreInput(wrapper).trigger('change')
    await wrapper.get('textarea[data-test="score-comment"]').setValue('答复针对性强，落实到位')
    await submit(wrapper)
    expect(send).toHaveBeenCalledWith({ suggestion_id: 7, score: 86, comment: '答复针对性强，落实到位' })
    expect(wrapper.emitted('done')).toHaveLength(1)
  })

  it("shows the API's refusal next to the field it names and keeps what was typed", async () => {
    const send = vi.fn().mockResolvedValue({ error: { error: { code: 'validation', message: '评语有误',
      details: [{ field: 'body.comment', message: '评语含有不允许的字符' }] } } })
    const wrapper = mountForm(send)
    await scoreInput(wrapper).setValue('60')
    await scoreInput(wrapper).trigger('change')
    await wrapper.get('textarea[data-test="score-comment"]').setValue('一般')
    await submit(wrapper)
    expect(wrapper.get('#comment-error').text()).toBe('评语含有不允许的字符')
    expect((wrapper.get('textarea[data-test="score-comment"]').element as HTMLTextAreaElement).value).toBe('一般')
    expect(wrapper.emitted('done')).toBeUndefined()
  })
})

describe('an assessor’s own scores', () => {
  const item = (...assessors: string[]) => ({ scores: assessors.map((a, i) => ({ id: i, suggestion_id: 1, assessor: a, score: 80, comment: null, at: '' })) })
  it('finds this assessor’s score and counts the items scored', () => {
    expect(myScore(item('person-1', 'person-2'), 'person-2')?.assessor).toBe('person-2')
    expect(myScore(item('person-1'), 'person-2')).toBeUndefined()
    expect(myScore(item('person-1'), null)).toBeUndefined()
    expect(scoredCount({ items: [item('person-2'), item(), item('person-1')] } as never, 'person-2')).toBe(1)
  })
})
