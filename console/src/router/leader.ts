// The leader role's pages (meta.roles: who may open them; meta.title: the menu's text).
import type { RouteRecordRaw } from 'vue-router'

export const leaderRoutes: RouteRecordRaw[] = [
  { path: '/leader/rates', name: 'leader-rates', component: () => import('@/views/office/RatesDashboard.vue'),
    meta: { roles: ['leader'], title: '办理情况统计', icon: 'DataAnalysis' } },
]
