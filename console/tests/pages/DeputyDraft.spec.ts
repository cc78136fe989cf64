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
      if (req.method === 'PATCH') {
        sent.push({ path: `PATCH ${path}`, body: await req.json() })
        Object.assign(draft, sent[sent.length - 1].body)
        return json(draft)
      }
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

  it('shows unsaved edits kept here, discards them on request, saves the changes and it stays a draft', async () => {
    const draft = { id: 13, status: 'draft', title: '关于修复路灯的建议', body: '路灯坏了。', category: 'urban',
      kind: 'recess', session: '十六届三次', source: 'station', co_signer_ids: [] }
    const sent: { method: string; body: Record<string, unknown> }[] = []
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      const path = new URL(req.url).pathname
      if (path.endsWith('/categories')) return json({ items: [{ code: 'urban', name: '城乡建设与管理' }] })
      if (req.method === 'PATCH') { sent.push({ method: 'PATCH', body: await req.json() }); return json({ ...draft, ...sent[0].body }) }
      return json(draft)
    }))
    const pinia = createPinia()
    setActivePinia(pinia)
    const router = createRouter({ history: createMemoryHistory(), routes: [
      { path: '/deputy/drafts/:id', component: DeputyNew }, { path: '/:p(.*)*', component: { template: '<div/>' } }] })
    router.push('/deputy/drafts/13')
    await router.isReady()
    const mountIt = () => mount(DeputyNew, { global: { plugins: [pinia, router, ElementPlus] }, attachTo: document.body })
    // what was typed here last time and not saved
    localStorage.setItem('lianxin.deputy.draft.13', JSON.stringify({ ...draft, body: '路灯坏了三个月。' }))
    const wrapper = mountIt()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))
    expect(wrapper.find('[data-test="local-edits"]').exists()).toBe(true)
    expect((wrapper.get('textarea[data-test="body"]').element as HTMLTextAreaElement).value).toBe('路灯坏了三个月。')
    await wrapper.get('[data-test="discard-local"]').trigger('click')
    await flushPromises()
    expect((wrapper.get('textarea[data-test="body"]').element as HTMLTextAreaElement).value).toBe('路灯坏了。')
    expect(localStorage.getItem('lianxin.deputy.draft.13')).toBeNull()

    await wrapper.get('textarea[data-test="body"]').setValue('路灯坏了，晚上出行不安全。')
    await wrapper.get('[data-test="save-draft"]').trigger('click')
    await flushPromises()
    expect(sent).toHaveLength(1)
    expect(sent[0].body).toMatchObject({ body: '路灯坏了，晚上出行不安全。', kind: 'recess', source: 'station' })
    expect(router.currentRoute.value.path).toBe('/deputy/drafts')
    expect(localStorage.getItem('lianxin.deputy.draft.13')).toBeNull()
    wrapper.unmount()
  })
})
