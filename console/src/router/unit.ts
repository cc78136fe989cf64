// The unit role's pages (meta.roles: who may open them; meta.title: the menu's text).
import type { RouteRecordRaw } from 'vue-router'

export const unitRoutes: RouteRecordRaw[] = [
  { path: '/unit/assignments', name: 'unit-assignments', component: () => import('@/views/unit/UnitAssignments.vue'),
    meta: { roles: ['unit'], title: '承办件', icon: 'Files' } },
  { path: '/unit/assignments/:id(\\d+)', name: 'unit-assignment', component: () => import('@/views/unit/UnitAssignment.vue'),
    meta: { roles: ['unit'], title: '承办件办理', hideInMenu: true } },
  { path: '/unit/assignments/:id(\\d+)/letter/:reply(\\d+)', name: 'unit-reply-letter', component: () => import('@/views/unit/ReplyLetter.vue'),
    meta: { roles: ['unit'], title: '答复函', hideInMenu: true } },
  { path: '/unit/suggestions/:id(\\d+)', name: 'unit-suggestion', component: () => import('@/views/unit/UnitSuggestion.vue'),
    meta: { roles: ['unit'], title: '建议原文', hideInMenu: true } },
]
