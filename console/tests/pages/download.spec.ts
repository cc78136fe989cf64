// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { api } from '@/api/client'
import { useAuthStore } from '@/stores/auth'
import { filenameOf, readWithProgress, receive, useDownload, type Progress } from '@/views/common/download'

function streamOf(...chunks: string[]) {
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    start(controller) { for (const c of chunks) controller.enqueue(encoder.encode(c)); controller.close() },
  })
}

afterEach(() => vi.unstubAllGlobals())

describe('download helper', () => {
  it('takes the file name from Content-Disposition, UTF-8 first', () => {
    expect(filenameOf("attachment; filename*=UTF-8''%E5%BB%BA%E8%AE%AE.xlsx; filename=x.xlsx", 'f')).toBe('建议.xlsx')
    expect(filenameOf('attachment; filename=suggestions.xlsx', 'f')).toBe('suggestions.xlsx')
    expect(filenameOf('attachment; filename="rates report.xlsx"', 'f')).toBe('rates report.xlsx')
    expect(filenameOf(null, '建议清单.xlsx')).toBe('建议清单.xlsx')
  })

  it('reports progress chunk by chunk against Content-Length, then 100%', async () => {
    const seen: Progress[] = []
    const blob = await readWithProgress(streamOf('abcd', 'efgh'), 8, (p) => seen.push(p), 'text/plain')
    expect(blob.size).toBe(8)
    expect(await blob.text()).toBe('abcdefgh')
    expect(seen.map((p) => p.percent)).toEqual([0, 50, 100, 100])
  })

  it('counts bytes without a percentage when the length is unknown', async () => {
    const seen: Progress[] = []
    await readWithProgress(streamOf('abc', 'de'), null, (p) => seen.push(p))
    expect(seen.map((p) => [p.loaded, p.percent])).toEqual([[0, null], [3, null], [5, null], [5, 100]])
  })

  it('turns a refusal into the API\'s message', async () => {
    const body = streamOf(JSON.stringify({ error: { code: 'forbidden', message: '无权导出' } }))
    const response = new Response(null, { status: 403 })
    await expect(receive({ data: body, response }, 'x.xlsx', () => {})).rejects.toThrow('无权导出')
  })

  it('fetches through the API client with the bearer token and keeps a Blob link', async () => {
    setActivePinia(createPinia())
    useAuthStore().setTokens('token-123', null)
    const seen: Request[] = []
    vi.stubGlobal('fetch', vi.fn(async (request: Request) => {
      seen.push(request)
      return new Response(streamOf('PK', '\u0003\u0004'), { status: 200, headers: {
        'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'Content-Length': '4', 'Content-Disposition': 'attachment; filename=suggestions.xlsx' } })
    }))
    const created = vi.fn(() => 'blob:test/1')
    vi.stubGlobal('URL', Object.assign(globalThis.URL, { createObjectURL: created, revokeObjectURL: vi.fn() }))
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})

    const d = useDownload()
    await d.run(() => api.GET('/suggestions/export.xlsx', { params: { query: { session: '十六届三次' } }, parseAs: 'stream' }),
      '建议清单.xlsx')

    expect(seen[0].headers.get('Authorization')).toBe('Bearer token-123')
    expect(new URL(seen[0].url).pathname).toBe('/api/v1/suggestions/export.xlsx')
    expect(new URL(seen[0].url).searchParams.get('session')).toBe('十六届三次')
    expect(d.error.value).toBe('')
    expect(d.file.value).toMatchObject({ filename: 'suggestions.xlsx', size: 4, url: 'blob:test/1' })
    expect(d.progress.value?.percent).toBe(100)
    expect(click).toHaveBeenCalledOnce()
  })
})
