// A form's send: checked first, sent once at a time, the API's field errors put under their fields
// (what was typed stays), a success message and `done` when the API took it.
import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { errorMessage, fieldErrors } from './format'

export function useFormSend(check: (errors: Record<string, string>) => void, sent: string, done: () => void) {
  const errors = ref<Record<string, string>>({})
  const busy = ref(false)

  async function submit(send: () => Promise<{ error?: unknown }>) {
    const found: Record<string, string> = {}
    check(found)
    errors.value = found
    if (Object.keys(found).length || busy.value) return
    busy.value = true
    try {
      const { error } = await send()
      if (error) {
        errors.value = fieldErrors(error)
        ElMessage.error(errorMessage(error))
        return
      }
      ElMessage.success(sent)
      done()
    } finally {
      busy.value = false
    }
  }

  return { errors, busy, submit }
}
