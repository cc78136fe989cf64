// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import ImportErrorTable from '@/views/office/data/ImportErrorTable.vue'
import { columnOf, fromDetails, fromRejected } from '@/views/office/data/importErrors'

async function mountTable(rows: ReturnType<typeof fromRejected>, pageSize = 20) {
  const wrapper = mount(ImportErrorTable, { props: { rows, pageSize }, global: { plugins: [ElementPlus] }, attachTo: document.body })
  await settle()
  return wrapper
}
async function settle() {  // el-table lays its columns out after mounting
  for (let i = 0; i < 3; i++) { await flushPromises(); await new Promise((r) => setTimeout(r, 0)) }
}

const cells = (wrapper: Awaited<ReturnType<typeof mountTable>>, name: string) =>
  wrapper.findAll(`[data-test="${name}"]`).map((c) => c.text())

describe('the import errors as rows', () => {
  it('names the workbook column of an API field, whatever its path', () => {
    expect(columnOf('lead_deputy')).toBe('领衔代表')
    expect(columnOf('body.title')).toBe('标题')
    expect(columnOf('co_signer_ids.0')).toBe('联名代表')
    expect(columnOf(null)).toBe('（整行）')
    expect(columnOf('something_new')).toBe('something_new')
  })

  it('says the API\'s usual messages in Chinese and keeps the original', () => {
    expect(fromRejected([{ row: 2, errors: [
      { field: 'lead_deputy', message: '张三: no such deputy' },
      { field: 'title', message: 'String should have at least 5 characters' },
      { field: 'body', message: '内容不能为空' },
    ] }])).toEqual([
      { row: 2, column: '领衔代表', message: '查无此代表：张三', raw: '张三: no such deputy' },
      { row: 2, column: '标题', message: '至少 5 个字', raw: 'String should have at least 5 characters' },
      { row: 2, column: '内容', message: '内容不能为空' },
    ])
  })

  it('gives one line per error of each rejected row', () => {
    const rows = fromRejected([
      { row: 3, errors: [{ field: 'title', message: '标题至少5个字' }, { field: 'category', message: '没有这个类别' }] },
      { row: 5, errors: [] },
    ])
    expect(rows).toEqual([
      { row: 3, column: '标题', message: '标题至少5个字' },
      { row: 3, column: '类别', message: '没有这个类别' },
      { row: 5, column: '（整行）', message: '无法导入' },
    ])
  })

  it('keeps the past-year import\'s sheet and its own column headers, sorted by sheet and row', () => {
    const rows = fromDetails([
      { sheet: '答复', row: 4, field: '答复日期', message: '早于交办日期' },
      { sheet: '建议', row: 9, field: '领衔代表', message: '没有这位代表' },
      { sheet: '建议', row: 2, field: '提交日期', message: '不是日期' },
    ])
    expect(rows.map((r) => [r.sheet, r.row, r.column])).toEqual([
      ['建议', 2, '提交日期'], ['建议', 9, '领衔代表'], ['答复', 4, '答复日期']])
    expect(fromDetails([{ field: 'file', message: 'missing columns: title' }]))
      .toEqual([{ sheet: null, row: null, column: '（文件）', message: 'missing columns: title' }])
  })
})

describe('ImportErrorTable', () => {
  it('shows nothing when every row passed', async () => {
    expect((await mountTable([])).find('[data-test="import-errors"]').exists()).toBe(false)
  })

  it('shows each error with its row, column and message, and counts the bad rows', async () => {
    const wrapper = await mountTable(fromRejected([
      { row: 3, errors: [{ field: 'title', message: '标题至少5个字' }, { field: 'kind', message: '类型应为大会或闭会' }] },
      { row: 7, errors: [{ field: 'lead_deputy', message: '查无此代表' }] },
    ]))
    expect(wrapper.text()).toContain('有 2 行未通过校验（共 3 处问题）')
    expect(cells(wrapper, 'error-row')).toEqual(['3', '3', '7'])
    expect(cells(wrapper, 'error-column')).toEqual(['标题', '类型', '领衔代表'])
    expect(cells(wrapper, 'error-message')).toContain('查无此代表')
    expect(wrapper.text()).not.toContain('工作表')  // one sheet: no sheet column
  })

  it('adds the sheet column for a workbook of several sheets, and pages long lists', async () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ sheet: '建议', row: i + 2, field: '标题', message: '必填' }))
    const wrapper = await mountTable(fromDetails(many), 10)
    expect(wrapper.text()).toContain('工作表')
    expect(cells(wrapper, 'error-row')).toEqual(['2', '3', '4', '5', '6', '7', '8', '9', '10', '11'])
    await wrapper.findAll('.el-pager li').find((li) => li.text() === '3')!.trigger('click')
    await settle()
    expect(cells(wrapper, 'error-row')).toEqual(['22', '23', '24', '25', '26'])
  })
})
