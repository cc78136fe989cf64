import { ROLE_NAMES } from '@/router/roles'

export const ACCOUNT_ROLES = ['admin', 'security_admin', 'auditor', 'office', 'leader', 'assessor', 'deputy', 'unit', 'station'] as const
export type AccountRole = typeof ACCOUNT_ROLES[number]
export const roleOptions = ACCOUNT_ROLES.map((value) => ({ value, label: ROLE_NAMES[value] }))
/** The id a binding of this role names (a deputy's, unit's or station's), if any. */
export const SCOPE: Partial<Record<AccountRole, { key: 'deputy_id' | 'unit_id' | 'station_id'; label: string }>> = {
  deputy: { key: 'deputy_id', label: '代表编号' },
  unit: { key: 'unit_id', label: '单位编号' },
  station: { key: 'station_id', label: '联络站编号' },
}
