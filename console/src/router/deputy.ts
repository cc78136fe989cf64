// The deputy role's pages (meta.roles: who may open them; meta.title: the menu's text).
import type { RouteRecordRaw } from 'vue-router'

export const deputyRoutes: RouteRecordRaw[] = [
  { path: '/deputy', name: 'deputy-suggestions', component: () => import('@/views/deputy/DeputySuggestions.vue'),
    meta: { roles: ['deputy'], title: '我的建议', icon: 'Document' } },
  { path: '/deputy/new', name: 'deputy-new', component: () => import('@/views/deputy/DeputyNew.vue'),
    meta: { roles: ['deputy'], title: '提出建议', icon: 'EditPen' } },
  { path: '/deputy/suggestions/:id(\\d+)', name: 'deputy-suggestion', component: () => import('@/views/deputy/DeputySuggestion.vue'),
    meta: { roles: ['deputy'], title: '建议详情', hideInMenu: true } },
]
