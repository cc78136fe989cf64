// The signed-in station clerk's own station (the token's station_id): its record with the member
// deputies, read again after each change.
import { ref } from 'vue'
import { api } from '@/api/client'
import { useAuthStore } from '@/stores/auth'
import { errorMessage } from '../common/format'

export type Member = { id: number; name: string; level: string; active: boolean }
export type Inspection = { id: number; date: string; inspectors: string[]; scores: Record<string, number>; total: number
  stars: number; note: string; recorded_by?: string | null }
export type Station = { id: number; name: string; type: string; region: string; address: string; qr_token: string
  stars: number; standards: Record<string, boolean>; standards_met: number; standards_set_by?: string | null
  standards_set_at?: string | null; established_on?: string | null; deputies: Member[]
  latest_inspection?: Inspection | null }

export function useStation() {
  const auth = useAuthStore()
  const stationId = auth.stationId
  const station = ref<Station | null>(null)
  const error = ref(stationId ? '' : '您的账号未绑定联络站，请联系系统管理员')
  async function load() {
    if (!stationId) return
    const { data, error: e } = await api.GET('/stations/{station_id}', { params: { path: { station_id: stationId } } })
    if (e || !data) {
      error.value = errorMessage(e)
      return
    }
    error.value = ''
    station.value = data as unknown as Station
  }
  return { stationId: stationId as number, station, error, load }
}
