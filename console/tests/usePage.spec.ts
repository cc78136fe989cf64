// The table header's sort as the API's sort parameter.
import { describe, expect, it } from 'vitest'
import { sortParam, totalLabel, usePage } from '@/views/common/usePage'

describe('sortParam', () => {
  it('names the column, reversed with a leading minus, and nothing when the sort is cleared', () => {
    expect(sortParam({ prop: 'number', order: 'ascending' })).toBe('number')
    expect(sortParam({ prop: 'due_at', order: 'descending' })).toBe('-due_at')
    expect(sortParam({ prop: 'due_at', order: null })).toBe('')
    expect(sortParam({ prop: null, order: 'ascending' })).toBe('')
  })
})

describe('usePage', () => {
  it('keeps whether the total is counted or the database’s estimate', async () => {
    let exact: boolean | undefined = false
    const page = usePage(async () => ({ data: { items: [1, 2], total: 1234567, total_exact: exact } }))
    await page.refresh()
    expect(page.state.total).toBe(1234567)
    expect(page.state.exact).toBe(false)
    exact = undefined                      // lists that always count say nothing: exact
    await page.refresh()
    expect(page.state.exact).toBe(true)
  })

  it('labels a counted total 共 and an estimate 约', () => {
    expect(totalLabel(12, true)).toBe('共 12 件')
    expect(totalLabel(1234567, false)).toBe('约 1,234,567 件')
    expect(totalLabel(3, true, '条')).toBe('共 3 条')
  })
})
