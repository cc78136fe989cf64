// Downloading a file the API makes (exports, reports): the typed client's streamed answer (so the
// bearer token and the refresh-and-retry come with it), read chunk by chunk for a progress figure,
// then kept as a Blob behind an object URL the browser saves.
import { ref } from 'vue'
import { errorOf } from '@/api/client'

export interface Progress { loaded: number; total: number | null; percent: number | null }

export interface Downloaded { blob: Blob; url: string; filename: string; size: number }

/** The file name a Content-Disposition header gives (RFC 6266 filename* in UTF-8 first), else the fallback. */
export function filenameOf(disposition: string | null | undefined, fallback: string): string {
  if (!disposition) return fallback
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition)
  if (star) {
    try { return decodeURIComponent(star[1].trim().replace(/^"|"$/g, '')) } catch { /* a bad escape: fall through */ }
  }
  const plain = /filename\s*=\s*("?)([^";]+)\1/.exec(disposition)
  return plain ? plain[2].trim() : fallback
}

/** Reads a body to its end, telling onProgress after each chunk (percent when Content-Length is known). */
export async function readWithProgress(
  body: ReadableStream<Uint8Array>, total: number | null, onProgress: (p: Progress) => void, type = '',
): Promise<Blob> {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let loaded = 0
  const known = total && total > 0 ? total : null
  onProgress({ loaded: 0, total: known, percent: known ? 0 : null })
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    loaded += value.byteLength
    onProgress({ loaded, total: known, percent: known ? Math.min(100, Math.round((loaded / known) * 100)) : null })
  }
  onProgress({ loaded, total: known ?? loaded, percent: 100 })
  return new Blob(chunks as BlobPart[], { type })
}

/** An answer of the client with parseAs: 'stream'. */
export interface StreamAnswer { data?: unknown; error?: unknown; response: Response }

/** The streamed answer as a Blob with its file name; throws the API's message when it refused. */
export async function receive(answer: StreamAnswer, fallbackName: string, onProgress: (p: Progress) => void): Promise<Downloaded> {
  const { response } = answer
  if (!response.ok || !answer.data) {
    let body: unknown = answer.error
    if (answer.data instanceof ReadableStream) {
      try { body = JSON.parse(await new Response(answer.data).text()) } catch { /* not the API's JSON */ }
    }
    throw new Error(errorOf(body, response.status).message)
  }
  const length = Number(response.headers.get('Content-Length'))
  const type = response.headers.get('Content-Type') ?? ''
  const blob = await readWithProgress(answer.data as ReadableStream<Uint8Array>, Number.isFinite(length) && length > 0 ? length : null, onProgress, type)
  const filename = filenameOf(response.headers.get('Content-Disposition'), fallbackName)
  return { blob, url: URL.createObjectURL(blob), filename, size: blob.size }
}

/** Hands the Blob to the browser as a download (a temporary <a download> clicked). */
export function save(file: Downloaded) {
  const a = document.createElement('a')
  a.href = file.url
  a.download = file.filename
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** A download's state for a page: progress, the file when done, the error when refused. */
export function useDownload() {
  const busy = ref(false)
  const progress = ref<Progress | null>(null)
  const file = ref<Downloaded | null>(null)
  const error = ref('')
  async function run(request: () => Promise<StreamAnswer>, fallbackName: string) {
    busy.value = true
    error.value = ''
    if (file.value) URL.revokeObjectURL(file.value.url)
    file.value = null
    progress.value = { loaded: 0, total: null, percent: null }
    try {
      file.value = await receive(await request(), fallbackName, (p) => { progress.value = p })
      save(file.value)
    } catch (e) {
      error.value = e instanceof Error ? e.message : '下载失败'
      progress.value = null
    } finally {
      busy.value = false
    }
  }
  return { busy, progress, file, error, run }
}
