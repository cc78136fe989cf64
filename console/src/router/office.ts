// The office role's pages (meta.roles: who may open them; meta.title: the menu's text).
import type { RouteRecordRaw } from 'vue-router'

export const officeRoutes: RouteRecordRaw[] = []
