// The station role's pages (meta.roles: who may open them; meta.title: the menu's text), and the
// office's overview of the stations.
import type { RouteRecordRaw } from 'vue-router'

export const stationRoutes: RouteRecordRaw[] = [
  { path: '/station', name: 'station-record', component: () => import('@/views/station/StationRecord.vue'),
    meta: { roles: ['station'], title: '站点档案', icon: 'OfficeBuilding' } },
  { path: '/station/activities', name: 'station-activities', component: () => import('@/views/station/StationActivities.vue'),
    meta: { roles: ['station'], title: '活动记录', icon: 'Calendar' } },
  { path: '/station/opinions', name: 'station-opinions', component: () => import('@/views/station/StationOpinions.vue'),
    meta: { roles: ['station'], title: '群众意见', icon: 'ChatLineSquare' } },
  { path: '/station/qr', name: 'station-qr', component: () => import('@/views/station/StationQr.vue'),
    meta: { roles: ['station'], title: '二维码海报', icon: 'Postcard' } },
  { path: '/stations/overview', name: 'stations-overview', component: () => import('@/views/station/StationsOverview.vue'),
    meta: { roles: ['office', 'leader', 'admin'], title: '联络站概况', icon: 'OfficeBuilding' } },
]
