// A registry's new/edit dialog: the form, the API's field errors under their fields, and a failed save
// that keeps what was typed (the form is emptied only once the API has taken it).
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { errorMessage, fieldErrors } from '../../common/format'

export function useRegistryForm<F extends object>(empty: () => F, saved: () => void) {
  const edit = reactive({ open: false, id: null as number | null, form: empty(), errors: {} as Record<string, string>,
    message: '', busy: false })

  /** Open for a new record (what was typed and not saved stays), or to edit one with its values. */
  function open(id: number | null = null, values?: F) {
    if (values) edit.form = values as typeof edit.form
    else if (edit.id !== null) edit.form = empty() as typeof edit.form  // the last dialog edited another record
    Object.assign(edit, { open: true, id, errors: {}, message: '' })
  }

  /** Send the form; on a refusal its errors are shown and the dialog stays open with the typing. */
  async function submit(send: (form: F) => Promise<{ error?: unknown }>) {
    edit.busy = true
    const { error } = await send(edit.form as F)
    edit.busy = false
    if (error) { edit.errors = fieldErrors(error); edit.message = errorMessage(error); return }
    ElMessage.success(edit.id ? '已保存' : '已登记')
    Object.assign(edit, { open: false, form: empty() })
    saved()
  }

  return { edit, open, submit }
}
