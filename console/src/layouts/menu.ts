// The menu a role sees: the layout's pages its role may open, in the router's order.
import type { RouteRecordRaw } from 'vue-router'
import { roleRoutes, allowed } from '@/router'

export interface MenuItem { path: string; title: string }

export function menuFor(role: string, records: RouteRecordRaw[] = roleRoutes): MenuItem[] {
  const items: MenuItem[] = [{ path: '/', title: '首页' }]
  for (const r of records) {
    if (r.meta?.hideInMenu || !r.meta?.title || !allowed(r.meta, role)) continue
    items.push({ path: r.path.startsWith('/') ? r.path : `/${r.path}`, title: r.meta.title })
  }
  return items
}
