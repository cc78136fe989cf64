// The deputy role's pages (meta.roles: who may open them; meta.title: the menu's text).
import type { RouteRecordRaw } from 'vue-router'

export const deputyRoutes: RouteRecordRaw[] = [
  { path: '/deputy', name: 'deputy-suggestions', component: () => import('@/views/deputy/DeputySuggestions.vue'),
    meta: { roles: ['deputy'], title: '我的建议', icon: 'Document' } },
  { path: '/deputy/new', name: 'deputy-new', component: () => import('@/views/deputy/DeputyNew.vue'),
    meta: { roles: ['deputy'], title: '提出建议', icon: 'EditPen' } },
  { path: '/deputy/drafts', name: 'deputy-drafts', component: () => import('@/views/deputy/DeputyDrafts.vue'),
    meta: { roles: ['deputy'], title: '草稿箱', icon: 'Notebook' } },
  { path: '/deputy/drafts/:id(\\d+)', name: 'deputy-draft', component: () => import('@/views/deputy/DeputyNew.vue'),
    meta: { roles: ['deputy'], title: '编辑草稿', hideInMenu: true } },
  { path: '/deputy/points', name: 'deputy-points', component: () => import('@/views/deputy/DeputyPoints.vue'),
    meta: { roles: ['deputy'], title: '履职积分', icon: 'Medal' } },
  { path: '/deputy/suggestions/:id(\\d+)', name: 'deputy-suggestion', component: () => import('@/views/deputy/DeputySuggestion.vue'),
    meta: { roles: ['deputy'], title: '建议详情', hideInMenu: true } },
]
