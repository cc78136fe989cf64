import { describe, it, expect, vi, afterEach, beforeEach } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { api } from '@/api/client'
import { useAuthStore } from '@/stores/auth'

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('the API client', () => {
  beforeEach(() => { sessionStorage.clear(); setActivePinia(createPinia()) })
  afterEach(() => vi.unstubAllGlobals())

  it('refreshes once on a 401 and retries with the new token', async () => {
    const seen: string[] = []
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      const path = new URL(req.url).pathname
      seen.push(`${path} ${req.headers.get('Authorization') ?? ''}`)
      if (path === '/api/v1/auth/refresh') {
        expect(await req.json()).toEqual({ refresh_token: 'r1' })
        return json(200, { status: 'signed_in', access_token: 'a2', refresh_token: 'r2' })
      }
      return req.headers.get('Authorization') === 'Bearer a2' ? json(200, { items: [], total: 0 }) : json(401, { error: { code: 'unauthorized', message: 'expired' } })
    }))
    const auth = useAuthStore()
    auth.setTokens('a1', 'r1')
    const { data } = await api.GET('/notifications', { params: { query: { unread: true } } })
    expect(data?.total).toBe(0)
    expect(seen).toEqual(['/api/v1/notifications Bearer a1', '/api/v1/auth/refresh ', '/api/v1/notifications Bearer a2'])
    expect(auth.refreshToken).toBe('r2')
  })

  it('signs out when the refresh is refused, and does not loop', async () => {
    const fetch = vi.fn(async (req: Request) => new URL(req.url).pathname === '/api/v1/auth/refresh'
      ? json(401, { error: { code: 'session_ended', message: 'session timed out' } })
      : json(401, { error: { code: 'unauthorized', message: 'expired' } }))
    vi.stubGlobal('fetch', fetch)
    const auth = useAuthStore()
    auth.setTokens('a1', 'r1')
    const { response } = await api.GET('/auth/me')
    expect(response.status).toBe(401)
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(auth.signedIn).toBe(false)
  })
})
