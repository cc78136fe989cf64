// The office's data pages: workbooks in and out, disclosure, the registries (deputies, units, categories,
// stations). meta.roles: who may open them; meta.title: the menu's text.
import type { RouteRecordRaw } from 'vue-router'

export const officeDataRoutes: RouteRecordRaw[] = [
  { path: '/office/data', name: 'office-data', component: () => import('@/views/office/DataImportExport.vue'),
    meta: { roles: ['office'], title: '导入导出', icon: 'Upload' } },
  { path: '/office/disclosure', name: 'office-disclosure', component: () => import('@/views/office/DisclosureList.vue'),
    meta: { roles: ['office'], title: '建议公开', icon: 'View' } },
  { path: '/office/deputies', name: 'office-deputies', component: () => import('@/views/office/registry/DeputyRegistry.vue'),
    meta: { roles: ['office', 'admin'], title: '代表名册', icon: 'User' } },
  { path: '/office/units', name: 'office-units', component: () => import('@/views/office/registry/UnitRegistry.vue'),
    meta: { roles: ['office', 'admin'], title: '承办单位', icon: 'OfficeBuilding' } },
  { path: '/office/categories', name: 'office-categories', component: () => import('@/views/office/registry/CategorySchemes.vue'),
    meta: { roles: ['office', 'admin'], title: '建议分类', icon: 'Files' } },
  { path: '/office/stations', name: 'office-stations', component: () => import('@/views/office/registry/StationRegistry.vue'),
    meta: { roles: ['office', 'admin'], title: '联络站名录', icon: 'Location' } },
]
