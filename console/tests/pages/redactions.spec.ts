import { describe, expect, it } from 'vitest'
import { segments } from '@/views/office/data/redactions'

describe('the publication preview in pieces', () => {
  it('cuts the original at each masked span, in order', () => {
    const original = '请联系我13900001111，住建设路12号。'
    const part = { original, text: '', redactions: [
      { kind: 'address', start: original.indexOf('12号'), end: original.indexOf('12号') + 3, original: '12号', masked: '**号' },
      { kind: 'mobile', start: 4, end: 15, original: '13900001111', masked: '139****1111' },
    ] }
    expect(segments(part)).toEqual([
      { text: '请联系我' }, { text: '13900001111', masked: '139****1111' }, { text: '，住建设路' },
      { text: '12号', masked: '**号' }, { text: '。' },
    ])
  })

  it('gives the whole text when nothing is masked, and skips overlapping spans', () => {
    expect(segments({ original: '无个人信息', redactions: [] })).toEqual([{ text: '无个人信息' }])
    const overlapping = { original: 'abcdef', redactions: [
      { start: 1, end: 4, original: 'bcd', masked: '***' }, { start: 2, end: 5, original: 'cde', masked: '###' }] }
    expect(segments(overlapping)).toEqual([{ text: 'a' }, { text: 'bcd', masked: '***' }, { text: 'ef' }])
  })
})
