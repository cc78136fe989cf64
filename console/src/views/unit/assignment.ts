// The unit clerk's view of one assignment (GET /assignments/{id}) and what the pages derive from it.
import { api } from '@/api/client'

export type Place = {
  unit_id: number; unit_name?: string | null; name?: string | null; role: string; signed: boolean; disputed?: boolean
  state?: string | null; round?: number | null; due_at?: string | null
}
export type Attachment = { id: number; reply_id: number; filename: string; media_type: string; size: number }
export type Reply = {
  id: number; unit_id: number; round: number; result_class: string; content: string; signed_by: string; at: string
  on_time?: boolean; follow_up_of?: number | null; attachments?: Attachment[]
}
export type Detail = {
  id: number; suggestion_id: number; number?: string | null; title?: string | null; state: string; due_at: string
  overdue: boolean; round: number; mode: string; units: Place[]; dispute_until?: string | null; co_opinion_due_at?: string | null
  contacts: { id: number; stage: string; method: string; note: string; at: string; unit_id: number }[]
  opinions: { id: number; unit_id: number; round: number; content: string; on_time: boolean; at: string }[]
  replies: Reply[]
  extensions: { id: number; unit_id: number; days: number; reason: string; status: string; requested_at: string; new_due_at?: string | null }[]
  disputes: { id: number; unit_id: number; reason: string; at: string; resolved_at?: string | null }[]
  urgings: { id: number; unit_id?: number | null; unit_name?: string | null; method: string; note?: string | null; letter?: string | null; at: string }[]
  lead_deputy?: { name?: string | null; phone?: string | null } | null
}

export const STAGES: Record<string, string> = { before: '办理前', during: '办理中', after: '答复后' }
export const METHODS: Record<string, string> = { visit: '走访', phone: '电话', meeting: '座谈', online: '网络' }
export const ROLES: Record<string, string> = { lead: '主办', co: '会办', separate: '分办' }
export const EXTENSION_STATUS: Record<string, string> = { pending: '待审批', approved: '已批准', refused: '未批准' }

export async function loadAssignment(id: number) {
  return api.GET('/assignments/{assignment_id}', { params: { path: { assignment_id: id } } }) as unknown as
    Promise<{ data?: Detail; error?: unknown }>
}

export function unitName(a: Detail, unitId: number): string {
  const u = a.units.find((x) => x.unit_id === unitId)
  return u?.unit_name ?? u?.name ?? `单位 ${unitId}`
}

/** The unit's own reply in the current round (not a follow-up), if it gave one. */
export function ownReply(a: Detail, unitId: number | undefined, round: number): Reply | undefined {
  return a.replies.filter((r) => r.unit_id === unitId && !r.follow_up_of && r.round === round).pop()
}

/** A B-class reply waits for its one follow-up (跟踪办理). */
export function needsFollowUp(a: Detail, reply: Reply | undefined): boolean {
  if (!reply || reply.result_class !== 'B') return false
  return !a.replies.some((r) => r.follow_up_of === reply.id)
}

/** States in which the units still handle it (co-unit opinions, extension requests). */
export const HANDLING = ['assigned', 'signed', 'rehandling']

/** Download a reply's file with the signed-in person's token, then save it under its own name. */
export async function download(assignmentId: number, file: Attachment) {
  const { data } = await api.GET('/assignments/{assignment_id}/attachments/{attachment_id}', {
    params: { path: { assignment_id: assignmentId, attachment_id: file.id } }, parseAs: 'blob',
  } as never) as { data?: Blob }
  if (!data) return
  const url = URL.createObjectURL(data)
  const link = Object.assign(document.createElement('a'), { href: url, download: file.filename })
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
