// The auditor's pages: the audit trail's search.
import type { RouteRecordRaw } from 'vue-router'

export const auditorRoutes: RouteRecordRaw[] = [
  {
    path: '/audit',
    name: 'audit',
    component: () => import('@/views/admin/AuditView.vue'),
    meta: { roles: ['auditor'], title: '审计日志', icon: 'Document' },
  },
]
