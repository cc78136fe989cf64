// @vitest-environment jsdom
// The deputy's draft editor: loads the saved draft, keeps edits, submits them with the draft.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import DeputyNew from '@/views/deputy/DeputyNew.vue'

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

describe('DeputyNew editing a draft', () => {
  afterEach(() => { vi.unstubAllGlobals(); localStorage.clear() })

  it('loads the draft, and submits it with the edits (refusals shown by the field)', async () => {
    const draft = { id: 12, status: 'draft', title: '关于增设老年食堂的建议', body: '老人就餐不便。', category: 'urban',
      kind: 'session', session: '十六届三次', source: 'research', co_signer_ids: [4], co_signer_names: ['李红梅'] }
    const sent: { path: string; body: Record<string, unknown> }[] = []
    let refuse = true
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      const path = new URL(req.url).pathname
      if (path.endsWith('/categories')) return json({ items: [{ code: 'urban', name: '城乡建设与管理' }] })
      if (path.endsWith('/submit')) {
        sent.push({ path, body: await req.json() })
        if (refuse) { refuse = false; return json({ error: { code: 'validation', message: '校验失败', details: [{ field: 'body.title', message: '标题至少5个字' }] } }, 422) }
        return json({ ...draft, status: 'submitted', number: '第0012号' })
      }
      return json(draft)
    }))
    const pinia = createPinia()
    setActivePinia(pinia)
    const router = createRouter({ history: createMemoryHistory(), routes: [
      { path: '/deputy/drafts/:id', component: DeputyNew }, { path: '/:p(.*)*', component: { template: '<div/>' } }] })
    router.push('/deputy/drafts/12')
    await router.isReady()
    const wrapper = mount(DeputyNew, { global: { plugins: [pinia, router, ElementPlus] }, attachTo: document.body })
    await flushPromises()
    const title = wrapper.get('input[data-test="title"]').element as HTMLInputElement
    expect(title.value).toBe(draft.title)
    expect(wrapper.text()).toContain('李红梅')
    expect(wrapper.text()).toContain('编辑草稿')
    await wrapper.get('textarea[data-test="body"]').setValue('老人就餐不便。可利用闲置用房。')
    expect(JSON.parse(localStorage.getItem('lianxin.deputy.draft.12') ?? '{}').body).toContain('闲置用房')

    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))
    expect(sent[0].path).toBe('/api/v1/suggestions/12/submit')
    expect(sent[0].body).toMatchObject({ title: draft.title, body: '老人就餐不便。可利用闲置用房。', co_signer_ids: [4] })
    expect(wrapper.text()).toContain('标题至少5个字')
    expect((wrapper.get('textarea[data-test="body"]').element as HTMLTextAreaElement).value).toContain('闲置用房')

    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/deputy/suggestions/12')
    expect(localStorage.getItem('lianxin.deputy.draft.12')).toBeNull()
    wrapper.unmount()
  })
})
