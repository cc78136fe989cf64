// Display helpers shared by the roles' pages: local time (Asia/Shanghai), rates, Chinese labels.
const ZONE = 'Asia/Shanghai'

export function localTime(iso?: string | null): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    hour12: false,
  }).format(d)
}

export function localDate(iso?: string | null): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  return new Intl.DateTimeFormat('zh-CN', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(d)
}

export function percent(rate?: number | null): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(2)}%`
}

export const STATUS: Record<string, string> = {
  draft: '草稿', submitted: '已提交', accepted: '已立案', returned: '已退回', merged: '已并案',
  withdrawn: '已撤回', assigned: '已交办', signed: '已签收', replied: '已答复', evaluated: '已评价',
  rehandling: '重新办理', closed: '已办结', converted_letter: '转为来信', converted_reference: '转作参考',
}

export const STEP: Record<string, string> = {
  ...STATUS, submitted: '提交', accepted: '立案', returned: '退回', merged: '并案', assigned: '交办',
  signed: '签收', replied: '答复', evaluated: '评价', closed: '办结', urged: '督办', contact: '见面沟通', contact_added: '见面沟通', opinion_added: '会办意见',
  rehandling: '重新办理', disputed: '申请调整',
  rehandling_opened: '重新办理', supervision_set: '列为重点督办', extension_requested: '申请延期',
  extension_decided: '延期审批', overdue: '逾期未答复', rerouted: '改办', followed_up: '跟踪办理答复',
}

export const RESULT_CLASS: Record<string, string> = {
  A: 'A类（已解决或采纳）', B: 'B类（正在解决或列入计划）', C: 'C类（因条件限制留作参考）',
}

export const SATISFACTION: Record<string, string> = {
  satisfied: '满意', basic: '基本满意', dissatisfied: '不满意',
}

export const MODE: Record<string, string> = { lead: '主办/会办', separate: '分办' }

export const label = (table: Record<string, string>, key?: string | null) => (key ? table[key] ?? key : '—')

/** The API's error body: {"error": {"code", "message", "details": [{field, message}]}}. */
export interface ApiError { error?: { code?: string; message?: string; details?: { field?: string | null; message?: string | null }[] } }

/** Field name → message, from a 422's details (the last dotted part names the field). */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  for (const d of (err as ApiError)?.error?.details ?? []) {
    if (d.field) out[String(d.field).split('.').pop() as string] = d.message ?? '填写有误'
  }
  return out
}

export function errorMessage(err: unknown): string {
  return (err as ApiError)?.error?.message ?? '操作失败，请稍后重试'
}
