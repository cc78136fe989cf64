// The leader role's pages (meta.roles: who may open them; meta.title: the menu's text).
import type { RouteRecordRaw } from 'vue-router'

export const leaderRoutes: RouteRecordRaw[] = [
  { path: '/leader/dashboard', name: 'leader-dashboard', component: () => import('@/views/leader/LeaderDashboard.vue'),
    meta: { roles: ['leader'], title: '督办概览', icon: 'DataBoard' } },
  { path: '/leader/supervision', name: 'leader-supervision', component: () => import('@/views/leader/LeaderSupervision.vue'),
    meta: { roles: ['leader'], title: '我督办的建议', icon: 'Bell' } },
  { path: '/leader/rates', name: 'leader-rates', component: () => import('@/views/office/RatesDashboard.vue'),
    meta: { roles: ['leader'], title: '办理情况统计', icon: 'DataAnalysis' } },
]
