// The administrators' pages: accounts and role bindings (admin; security_admin reads and disables).
import type { RouteRecordRaw } from 'vue-router'

export const adminRoutes: RouteRecordRaw[] = [
  {
    path: '/admin/accounts',
    name: 'admin-accounts',
    component: () => import('@/views/admin/AccountsView.vue'),
    meta: { roles: ['admin', 'security_admin'], title: '账号管理', icon: 'User' },
  },
]
