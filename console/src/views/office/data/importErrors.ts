// The import's error answers as rows of one table: which sheet, which spreadsheet row, which column, what.
// The suggestions import names API fields (title, lead_deputy); the past-year import names the sheet's
// own Chinese column headers. Both come out as the column header the office sees in its workbook.

export interface ImportErrorRow { sheet?: string | null; row: number | null; column: string; message: string; raw?: string }

/** The suggestions workbook's columns (services/suggestion/importing.py HEADERS), by the API's field names. */
export const SUGGESTION_COLUMNS: Record<string, string> = {
  title: '标题', body: '内容', category: '类别', kind: '类型', session: '届次', lead_deputy: '领衔代表',
  lead_deputy_id: '领衔代表', co_signers: '联名代表', co_signer_ids: '联名代表', source: '来源', row: '（整行）',
  file: '（文件）',
}

/** A field as a column header: the last dotted part (body.title → title), then the workbook's header. */
export function columnOf(field: string | null | undefined, columns: Record<string, string> = SUGGESTION_COLUMNS): string {
  if (!field) return '（整行）'
  const last = String(field).split('.').filter((p) => !/^\d+$/.test(p)).pop() ?? String(field)
  return columns[last] ?? columns[field] ?? last
}

// The API's validation messages are English; the office reads them in Chinese (the original kept as `raw`).
const MESSAGES: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^(.+): no such deputy$/, (m) => `查无此代表：${m[1]}`],
  [/^(.+): several deputies have this name; give the id$/, (m) => `有多位代表同名（${m[1]}），请填写代表编号`],
  [/^String should have at least (\d+) characters?$/, (m) => `至少 ${m[1]} 个字`],
  [/^String should have at most (\d+) characters?$/, (m) => `最多 ${m[1]} 个字`],
  [/^Field required$/, () => '必填'],
  [/^Input should be (.+)$/, (m) => `取值不正确，应为 ${m[1]}`],
]

export function zhMessage(message: string): string {
  for (const [pattern, say] of MESSAGES) {
    const m = message.match(pattern)
    if (m) return say(m)
  }
  return message
}

type Detail = { field?: string | null; message?: string | null; sheet?: string | null; row?: number | null; [k: string]: unknown }

function say(message: string | null | undefined): { message: string; raw?: string } {
  const raw = String(message ?? '填写有误')
  const zh = zhMessage(raw)
  return zh === raw ? { message: raw } : { message: zh, raw }
}

/** POST /suggestions/import's rejected rows: [{row, errors: [{field, message}]}], one table row per error. */
export function fromRejected(rejected: { row: number; errors: Detail[] }[] | null | undefined): ImportErrorRow[] {
  const out: ImportErrorRow[] = []
  for (const r of rejected ?? []) {
    const errors = r.errors?.length ? r.errors : [{ field: 'row', message: '无法导入' }]
    for (const e of errors) out.push({ row: r.row, column: columnOf(e.field), ...say(e.message) })
  }
  return out
}

/** An error's details as rows: {sheet, row, field, message} (past-year import) or {field, message} (a whole-file error). */
export function fromDetails(details: Detail[] | null | undefined): ImportErrorRow[] {
  return (details ?? []).map((d) => ({
    sheet: d.sheet ?? null,
    row: typeof d.row === 'number' ? d.row : null,
    column: d.sheet ? String(d.field ?? '（整行）') : columnOf(d.field),
    ...say(d.message),
  })).sort((a, b) => (a.sheet ?? '').localeCompare(b.sheet ?? '') || (a.row ?? 0) - (b.row ?? 0))
}
