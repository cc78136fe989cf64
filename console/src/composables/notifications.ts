// The unread-notification count, polled every 30 s while the layout is shown. The count is one
// shared ref: a page that marks notifications read calls refreshUnread() (or setUnread) and the
// layout's badge follows at once, without a reload.
import { onMounted, onUnmounted, ref } from 'vue'
import { api } from '@/api/client'

export const POLL_MS = 30_000

const unread = ref(0)

/** Ask the API for the unread count now (the badge updates when it answers). */
export async function refreshUnread(): Promise<number> {
  try {
    const { data } = await api.GET('/notifications', { params: { query: { unread: true, limit: 1 } } })
    if (data) unread.value = (data as { total?: number }).total ?? 0
  } catch { /* keep the last count; the next poll tries again */ }
  return unread.value
}

/** Set the count from what a page already knows (e.g. one fewer after marking one read). */
export function setUnread(count: number) {
  unread.value = Math.max(0, count)
}

export function useUnreadCount(interval = POLL_MS) {
  let timer: ReturnType<typeof setInterval> | undefined
  const poll = refreshUnread

  onMounted(() => {
    poll()
    timer = setInterval(poll, interval)
  })
  onUnmounted(() => clearInterval(timer))
  return { unread, poll }
}
