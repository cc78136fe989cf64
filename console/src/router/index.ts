// Every page of the console. Each role's pages live in their own file (router/<role>.ts) with
// meta.roles naming who may open them; RoleLayout builds its menu from the same records.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { officeRoutes } from './office'
import { officeDataRoutes } from './officeData'
import { unitRoutes } from './unit'
import { deputyRoutes } from './deputy'
import { leaderRoutes } from './leader'
import { stationRoutes } from './station'
import { assessorRoutes } from './assessor'
import { publicRoutes } from './public'
import { adminRoutes } from './admin'
import { auditorRoutes } from './auditor'

declare module 'vue-router' {
  interface RouteMeta {
    roles?: string[]        // who may open the page; absent: anyone signed in
    title?: string          // the menu's and the tab's text
    icon?: string
    public?: boolean        // open without signing in
    hideInMenu?: boolean
  }
}

/** Pages inside the signed-in layout, in menu order. */
export const roleRoutes: RouteRecordRaw[] = [
  ...officeRoutes, ...officeDataRoutes, ...unitRoutes, ...deputyRoutes, ...leaderRoutes, ...stationRoutes,
  ...assessorRoutes, ...adminRoutes, ...auditorRoutes,
]

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/SignInView.vue'), meta: { public: true, title: '登录' } },
  ...publicRoutes.map((r) => ({ ...r, meta: { public: true, ...r.meta } })),
  {
    path: '/',
    component: () => import('@/layouts/RoleLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('@/views/HomeView.vue'), meta: { title: '首页', icon: 'HomeFilled' } },
      { path: 'account', name: 'my-account', component: () => import('@/views/MyAccountView.vue'), meta: { title: '我的账号', icon: 'Setting', hideInMenu: true } },
      { path: 'notifications', name: 'notifications', component: () => import('@/views/common/NotificationsView.vue'), meta: { title: '通知', icon: 'Bell', hideInMenu: true } },
      { path: 'forbidden', name: 'forbidden', component: () => import('@/views/ForbiddenView.vue'), meta: { title: '无权访问', hideInMenu: true } },
      ...roleRoutes,
    ],
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { public: true, title: '页面不存在' } },
]

/** May this role open a route with this meta? */
export function allowed(meta: { roles?: string[] } | undefined, role: string): boolean {
  return !meta?.roles || meta.roles.includes(role)
}

export function makeRouter(history = createWebHistory()) {
  const router = createRouter({ history, routes })
  router.beforeEach((to) => {
    if (to.meta.public) return true
    const auth = useAuthStore()
    if (!auth.signedIn) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
    if (!to.matched.every((r) => allowed(r.meta, auth.role))) return { name: 'forbidden' }
    return true
  })
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · 连心` : '连心'
  })
  return router
}
