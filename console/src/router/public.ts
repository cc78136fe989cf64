// The public role's pages: no sign-in (router/index.ts marks them meta.public). The QR intake lives at
// /s/<qr_token>, the path the station service encodes in its QR codes (PUBLIC_BASE_URL/s/<qr_token>).
import type { RouteRecordRaw } from 'vue-router'

export const publicRoutes: RouteRecordRaw[] = [
  { path: '/public', name: 'public-suggestions', component: () => import('@/views/public/PublicSuggestions.vue'),
    meta: { public: true, title: '建议公开' } },
  { path: '/public/suggestions/:id(\\d+)', name: 'public-suggestion', component: () => import('@/views/public/PublicSuggestion.vue'),
    meta: { public: true, title: '建议详情' } },
  { path: '/s/:token([A-Za-z0-9_-]{1,64})', name: 'public-intake', component: () => import('@/views/public/PublicIntake.vue'),
    meta: { public: true, title: '意见征集' } },
]
