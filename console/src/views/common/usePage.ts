// Server-side paging for a list route: limit/offset in the query, {items, total} back.
import { reactive, ref } from 'vue'

/** "共 N 件", or "约 N 件" when the list's total is the database's estimate (total_exact false:
 * more than 1,000 matches are not counted one by one). */
export function totalLabel(total: number, exact: boolean, unit = '件'): string {
  return exact ? `共 ${total} ${unit}` : `约 ${total.toLocaleString('zh-CN')} ${unit}`
}

export function usePage<T>(load: (query: { limit: number; offset: number }) => Promise<{ data?: { items: T[]; total: number; total_exact?: boolean }; error?: unknown }>, size = 20) {
  const items = ref<T[]>([]) as { value: T[] }
  const state = reactive({ page: 1, size, total: 0, exact: true, loading: false, error: '' })
  async function refresh() {
    state.loading = true
    try {
      const { data, error } = await load({ limit: state.size, offset: (state.page - 1) * state.size })
      if (error || !data) {
        state.error = (error as { error?: { message?: string } })?.error?.message ?? '加载失败'
        return
      }
      state.error = ''
      items.value = data.items
      state.total = data.total
      state.exact = data.total_exact ?? true
    } finally {
      state.loading = false
    }
  }
  function go(page: number) {
    state.page = page
    return refresh()
  }
  return { items, state, refresh, go }
}

/** An el-table sort-change ({prop, order}) as the API's sort parameter: "prop", "-prop", or none. */
export function sortParam(e: { prop?: string | null; order?: string | null }): string {
  if (!e.prop || !e.order) return ''
  return e.order === 'descending' ? `-${e.prop}` : e.prop
}
