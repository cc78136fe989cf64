// The assessor role's pages (meta.roles: who may open them; meta.title: the menu's text).
import type { RouteRecordRaw } from 'vue-router'

export const assessorRoutes: RouteRecordRaw[] = [
  { path: '/assessor/assessments', name: 'assessor-assessments', component: () => import('@/views/assessor/AssessorAssessments.vue'),
    meta: { roles: ['assessor'], title: '评估任务', icon: 'Checked' } },
  { path: '/assessor/assessments/:id(\\d+)', name: 'assessor-assessment', component: () => import('@/views/assessor/AssessorAssessment.vue'),
    meta: { roles: ['assessor'], title: '抽样建议', hideInMenu: true } },
  { path: '/assessor/assessments/:id(\\d+)/items/:sid(\\d+)', name: 'assessor-item', component: () => import('@/views/assessor/AssessorItem.vue'),
    meta: { roles: ['assessor'], title: '评分', hideInMenu: true } },
]
