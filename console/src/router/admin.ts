// The administrators' pages: accounts and role bindings (admin; security_admin reads and disables,
// resets two-factor and keeps the security policy).
import type { RouteRecordRaw } from 'vue-router'

export const adminRoutes: RouteRecordRaw[] = [
  {
    path: '/admin/accounts',
    name: 'admin-accounts',
    component: () => import('@/views/admin/AccountsView.vue'),
    meta: { roles: ['admin', 'security_admin'], title: '账号管理', icon: 'User' },
  },
  {
    path: '/admin/security',
    name: 'admin-security',
    component: () => import('@/views/admin/SecurityPolicyView.vue'),
    meta: { roles: ['security_admin'], title: '安全策略', icon: 'Lock' },
  },
]
