// The unread-notification count, polled every 30 s while the layout is shown.
import { onMounted, onUnmounted, ref } from 'vue'
import { api } from '@/api/client'

export const POLL_MS = 30_000

export function useUnreadCount(interval = POLL_MS) {
  const unread = ref(0)
  let timer: ReturnType<typeof setInterval> | undefined

  async function poll() {
    try {
      const { data } = await api.GET('/notifications', { params: { query: { unread: true, limit: 1 } } })
      if (data) unread.value = (data as { total?: number }).total ?? 0
    } catch { /* keep the last count; the next poll tries again */ }
  }

  onMounted(() => {
    poll()
    timer = setInterval(poll, interval)
  })
  onUnmounted(() => clearInterval(timer))
  return { unread, poll }
}
