// A publication preview's text as pieces: plain, or an original span with what the public text shows instead.

export interface Redaction { start: number; end: number; original: string; masked: string; kind?: string }
export interface Part { original?: string | null; text?: string | null; published?: string | null; redactions: Redaction[] }
export interface Segment { text: string; masked?: string }

export function segments(part: Part): Segment[] {
  const original = part.original ?? part.text ?? ''
  const out: Segment[] = []
  let at = 0
  for (const r of [...(part.redactions ?? [])].sort((a, b) => a.start - b.start)) {
    if (r.start < at) continue  // overlapping spans: the first one wins
    if (r.start > at) out.push({ text: original.slice(at, r.start) })
    out.push({ text: original.slice(r.start, r.end), masked: r.masked })
    at = r.end
  }
  if (at < original.length || !out.length) out.push({ text: original.slice(at) })
  return out
}
