// Role names as the console shows them, and each role's first screen.
import type { Role } from '@/stores/auth'

export const ROLE_NAMES: Record<Role, string> = {
  admin: '系统管理员',
  security_admin: '安全管理员',
  auditor: '审计员',
  office: '代表工委',
  leader: '领导',
  assessor: '评估员',
  deputy: '人大代表',
  unit: '承办单位',
  station: '联络站',
  public: '公众',
}
