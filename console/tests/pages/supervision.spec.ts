import { describe, expect, it } from 'vitest'
import { BOARD_TABS, DECISIONS, boardQuery, splitLetter, urgeableUnits } from '@/views/office/supervision'

describe('the supervision board tabs', () => {
  it('names each tab in Chinese', () => {
    expect(BOARD_TABS.map((t) => t.label)).toEqual(['全部', '即将到期', '已超期', '不满意重办', '申请调整', '申请延期'])
  })

  it('asks the server for each tab, with the common filters', () => {
    expect(boardQuery('due', { dueDays: 5 })).toEqual({ due_within: 5, sort: 'due_at' })
    expect(boardQuery('due')).toEqual({ due_within: 7, sort: 'due_at' })
    expect(boardQuery('rehandling', { session: '十六届三次' })).toEqual({ state: 'rehandling', session: '十六届三次' })
    expect(boardQuery('disputed', { supervised: true })).toEqual({ disputed: true, supervised: true })
    expect(boardQuery('extension', { leader: 'me' })).toEqual({ extension_pending: true, leader: 'me' })
    expect(boardQuery('overdue', { supervised: false })).toEqual({})
    expect(boardQuery('all', { leader: 'me' })).toEqual({ leader: 'me' })
  })
})

describe('urgeable units', () => {
  it('puts the units still owing a reply first, co-units last', () => {
    const units = [
      { unit_id: 3, role: 'co' }, { unit_id: 1, role: 'separate', state: 'replied' }, { unit_id: 2, role: 'separate', state: 'signed' },
    ]
    expect(urgeableUnits(units).map((u) => u.unit_id)).toEqual([2, 1, 3])
  })
})

describe('the letter for printing', () => {
  it('splits the heading, the body and the closing', () => {
    const text = '督办函\n\n市交通运输局：\n\n    请抓紧办理。\n\n    特此督办。\n\n市人大常委会代表工作机构\n2026年11月30日\n'
    const l = splitLetter(text)
    expect(l.heading).toBe('督办函')
    expect(l.body).toContain('市交通运输局：')
    expect(l.body).toContain('特此督办。')
    expect(l.closing).toEqual(['市人大常委会代表工作机构', '2026年11月30日'])
  })

  it('keeps a letter without a heading whole', () => {
    expect(splitLetter('请抓紧办理。').body).toBe('请抓紧办理。')
  })

  it('offers every screening decision', () => {
    expect(Object.keys(DECISIONS)).toEqual(['accept', 'return', 'merge', 'convert_letter', 'convert_reference'])
  })
})
