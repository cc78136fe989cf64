// The supervision board's tabs (督办看板) and what each asks of GET /assignments (or /stats/overdue),
// the units of an assignment that may be urged, and the urging letter (督办函) split for printing.

export type BoardTab = 'all' | 'due' | 'overdue' | 'rehandling' | 'disputed' | 'extension'

// 'all' is a leader's own list in full (the office's is 交办清单)
export const BOARD_TABS: { key: BoardTab; label: string }[] = [
  { key: 'all', label: '全部' },
  { key: 'due', label: '即将到期' },
  { key: 'overdue', label: '已超期' },
  { key: 'rehandling', label: '不满意重办' },
  { key: 'disputed', label: '申请调整' },
  { key: 'extension', label: '申请延期' },
]

export interface BoardFilters { session?: string; supervised?: boolean; leader?: string; dueDays?: number }

type Query = Record<string, string | number | boolean>

/** The server-side filters of a tab (the overdue tab reads /stats/overdue with the same common filters). */
export function boardQuery(tab: BoardTab, f: BoardFilters = {}): Query {
  const q: Query = {}
  if (f.session) q.session = f.session
  if (f.supervised) q.supervised = true
  if (f.leader) q.leader = f.leader
  if (tab === 'due') Object.assign(q, { due_within: f.dueDays ?? 7, sort: 'due_at' })
  else if (tab === 'rehandling') q.state = 'rehandling'
  else if (tab === 'disputed') q.disputed = true
  else if (tab === 'extension') q.extension_pending = true
  return q
}

export interface UnitPlace { unit_id: number; name?: string | null; unit_name?: string | null; role: string; state?: string | null }

/** The units an urging may name: every unit still owing a reply first (lead or 分办), then co-units. */
export function urgeableUnits(units: UnitPlace[]): UnitPlace[] {
  const rank = (u: UnitPlace) => (u.role === 'co' ? 2 : ['replied', 'evaluated', 'closed'].includes(u.state ?? '') ? 1 : 0)
  return [...units].sort((a, b) => rank(a) - rank(b))
}

export const unitLabel = (u: UnitPlace) =>
  `${u.unit_name ?? u.name ?? `单位${u.unit_id}`}（${u.role === 'lead' ? '主办' : u.role === 'co' ? '会办' : '分办'}）`

/** A letter's text as the template gives it: the heading line, the body, and the closing (issuer, date). */
export function splitLetter(text: string): { heading: string; body: string; closing: string[] } {
  const lines = text.replace(/\r/g, '').split('\n')
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop()
  let heading = '督办函'
  if (lines.length && lines[0].trim().length <= 10 && lines[0].includes('函')) heading = lines.shift()!.trim()
  const closing = lines.length > 2 ? lines.splice(lines.length - 2, 2).map((l) => l.trim()) : []
  return { heading, body: lines.join('\n').replace(/^\n+/, ''), closing }
}

export type Decision = 'accept' | 'return' | 'merge' | 'convert_letter' | 'convert_reference'

/** Screening's decisions (POST /suggestions/{id}/screening), in the order the form offers them. */
export const DECISIONS: Record<Decision, string> = {
  accept: '立案', return: '退回', merge: '并案', convert_letter: '转为代表来信', convert_reference: '转作参考材料',
}
