// The table header's sort as the API's sort parameter.
import { describe, expect, it } from 'vitest'
import { sortParam } from '@/views/common/usePage'

describe('sortParam', () => {
  it('names the column, reversed with a leading minus, and nothing when the sort is cleared', () => {
    expect(sortParam({ prop: 'number', order: 'ascending' })).toBe('number')
    expect(sortParam({ prop: 'due_at', order: 'descending' })).toBe('-due_at')
    expect(sortParam({ prop: 'due_at', order: null })).toBe('')
    expect(sortParam({ prop: null, order: 'ascending' })).toBe('')
  })
})
