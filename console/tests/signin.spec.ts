import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'
import ElementPlus from 'element-plus'
import SignInView from '@/views/SignInView.vue'

function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

async function mountSignIn() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', component: SignInView },
      { path: '/', component: { template: '<div data-test="home">home</div>' } },
    ],
  })
  router.push('/login')
  await router.isReady()
  const wrapper = mount(SignInView, { global: { plugins: [pinia, router, ElementPlus] }, attachTo: document.body })
  return { wrapper, router }
}

async function submit(wrapper: Awaited<ReturnType<typeof mountSignIn>>['wrapper'], login: string, password: string) {
  await wrapper.find('#login').setValue(login)
  await wrapper.find('#password').setValue(password)
  await wrapper.find('form').trigger('submit')
  await flushPromises()
}

describe('sign-in form', () => {
  beforeEach(() => sessionStorage.clear())
  afterEach(() => vi.unstubAllGlobals())

  it('shows a validation error under the field the API names', async () => {
    const fetch = vi.fn(async () => answer(422, {
      error: { code: 'validation_failed', message: 'invalid fields: login', details: [{ field: 'login', message: '至少 1 个字符' }] },
    }))
    vi.stubGlobal('fetch', fetch)
    const { wrapper } = await mountSignIn()
    await submit(wrapper, ' ', 'x')
    const items = wrapper.findAll('.el-form-item')
    expect(items[0].find('[data-test="field-error"]').text()).toBe('至少 1 个字符')
    expect(items[1].find('[data-test="field-error"]').exists()).toBe(false)
    const sent = (fetch.mock.calls[0] as unknown[])[0] as Request
    expect(new URL(sent.url).pathname).toBe('/api/v1/auth/sign-in')
    wrapper.unmount()
  })

  it('shows the lockout as the API words it', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => answer(423, {
      error: { code: 'locked', message: 'too many failed sign-ins; try again after 10:45', details: [] },
    })))
    const { wrapper } = await mountSignIn()
    await submit(wrapper, 'clerk', 'wrong')
    expect(wrapper.find('[data-test="alert"]').text()).toContain('too many failed sign-ins; try again after 10:45')
    expect(wrapper.find('[data-test="alert"]').text()).toContain('锁定')
    wrapper.unmount()
  })

  it('asks for a new password when the API says so, and keeps what was typed on a failure', async () => {
    const fetch = vi.fn()
      .mockResolvedValueOnce(answer(200, { status: 'password_change_required', challenge: 'c1' }))
      .mockResolvedValueOnce(answer(422, {
        error: { code: 'validation_failed', message: 'x', details: [{ field: 'new_password', message: '密码太短' }] },
      }))
    vi.stubGlobal('fetch', fetch)
    const { wrapper } = await mountSignIn()
    await submit(wrapper, 'clerk', 'initial')
    expect(wrapper.text()).toContain('修改初始密码')
    await wrapper.find('#new-password').setValue('short')
    await wrapper.find('#confirm-password').setValue('short')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-test="field-error"]').text()).toBe('密码太短')
    expect((wrapper.find('#new-password').element as HTMLInputElement).value).toBe('short')
    const body = await ((fetch.mock.calls[1] as unknown[])[0] as Request).json()
    expect(body).toEqual({ challenge: 'c1', new_password: 'short' })
    wrapper.unmount()
  })
})
