// The office role's pages (meta.roles: who may open them; meta.title: the menu's text).
import type { RouteRecordRaw } from 'vue-router'

export const officeRoutes: RouteRecordRaw[] = [
  { path: '/office/queue', name: 'office-queue', component: () => import('@/views/office/OfficeQueue.vue'),
    meta: { roles: ['office'], title: '建议工作台', icon: 'Tickets' } },
  { path: '/office/suggestions/:id(\\d+)', name: 'office-suggestion', component: () => import('@/views/office/OfficeSuggestion.vue'),
    meta: { roles: ['office', 'leader', 'admin'], title: '建议详情', hideInMenu: true } },
  { path: '/office/assignments', name: 'office-assignments', component: () => import('@/views/office/OfficeAssignments.vue'),
    meta: { roles: ['office'], title: '交办清单', icon: 'List' } },
  { path: '/office/supervision', name: 'office-supervision', component: () => import('@/views/office/SupervisionBoard.vue'),
    meta: { roles: ['office'], title: '督办看板', icon: 'Bell' } },
  { path: '/office/letters/:id(\\d+)', name: 'office-letter', component: () => import('@/views/office/LetterPrint.vue'),
    meta: { roles: ['office', 'leader'], title: '督办函', hideInMenu: true } },
  { path: '/office/rates', name: 'office-rates', component: () => import('@/views/office/RatesDashboard.vue'),
    meta: { roles: ['office', 'admin'], title: '办理情况统计', icon: 'DataAnalysis' } },
]
