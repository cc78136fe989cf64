// Who is signed in: the tokens of the identity service's session and the access token's claims.
// Kept in sessionStorage (this tab only; closing it ends the console's hold on the session).
import { defineStore } from 'pinia'
import { api, errorOf, type ErrorInfo } from '@/api/client'

export type Role =
  | 'admin' | 'security_admin' | 'auditor' | 'office' | 'leader' | 'assessor' | 'deputy' | 'unit' | 'station' | 'public'

/** A sign-in step's answer: status says what comes next (docs/identity.md). */
export interface SignInStep {
  status: 'signed_in' | 'password_change_required' | 'mfa_enrolment_required' | 'mfa_required' | string
  challenge?: string
  access_token?: string
  refresh_token?: string
  expires_in?: number
  recovery_codes?: string[]
  account?: { id: number; sub: string; login: string; display_name: string; role: string; roles?: unknown[] }
  [k: string]: unknown
}

export type StepResult = { ok: true; step: SignInStep } | { ok: false; error: ErrorInfo; status: number }

const STORAGE = 'lianxin.session'

interface Claims { sub?: string; role?: string; name?: string; unit_id?: number | null; deputy_id?: number | null; station_id?: number | null; exp?: number }

export function decodeClaims(token: string | null): Claims {
  if (!token) return {}
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    const json = decodeURIComponent(Array.from(atob(part), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''))
    return JSON.parse(json) as Claims
  } catch {
    return {}
  }
}

function load(): { accessToken: string | null; refreshToken: string | null; login: string | null } {
  try {
    const raw = globalThis.sessionStorage?.getItem(STORAGE)
    if (raw) return JSON.parse(raw)
  } catch { /* storage unavailable */ }
  return { accessToken: null, refreshToken: null, login: null }
}

let refreshing: Promise<boolean> | null = null

export const useAuthStore = defineStore('auth', {
  state: () => load(),
  getters: {
    claims: (s): Claims => decodeClaims(s.accessToken),
    signedIn(): boolean { return !!this.accessToken },
    role(): Role { return (this.claims.role as Role) || 'public' },
    sub(): string | null { return this.claims.sub ?? null },
    name(): string { return this.claims.name || this.login || '' },
    unitId(): number | null { return this.claims.unit_id ?? null },
    deputyId(): number | null { return this.claims.deputy_id ?? null },
    stationId(): number | null { return this.claims.station_id ?? null },
  },
  actions: {
    save() {
      try {
        globalThis.sessionStorage?.setItem(STORAGE, JSON.stringify({
          accessToken: this.accessToken, refreshToken: this.refreshToken, login: this.login,
        }))
      } catch { /* storage unavailable */ }
    },
    setTokens(access: string | null, refresh: string | null) {
      this.accessToken = access
      this.refreshToken = refresh
      this.save()
    },
    /** Take a step's tokens when it finished the sign-in. */
    absorb(step: SignInStep) {
      if (step.status === 'signed_in' && step.access_token) {
        this.setTokens(step.access_token, step.refresh_token ?? null)
      }
    },
    async signIn(login: string, password: string): Promise<StepResult> {
      this.login = login
      const { data, error, response } = await api.POST('/auth/sign-in', { body: { login, password } })
      return this.finish(data, error, response)
    },
    async mfa(challenge: string, code: string, recovery = false): Promise<StepResult> {
      const body = recovery ? { challenge, recovery_code: code } : { challenge, code }
      const { data, error, response } = await api.POST('/auth/mfa', { body })
      return this.finish(data, error, response)
    },
    async changePassword(challenge: string, newPassword: string): Promise<StepResult> {
      const { data, error, response } = await api.POST('/auth/password', { body: { challenge, new_password: newPassword } })
      return this.finish(data, error, response)
    },
    async totpEnrol(challenge: string): Promise<StepResult> {
      const { data, error, response } = await api.POST('/auth/totp/enrol', { body: { challenge } })
      return this.finish(data, error, response)
    },
    async totpConfirm(challenge: string, code: string): Promise<StepResult> {
      const { data, error, response } = await api.POST('/auth/totp/confirm', { body: { challenge, code } })
      return this.finish(data, error, response)
    },
    finish(data: unknown, error: unknown, response: Response): StepResult {
      if (error || !response.ok) return { ok: false, error: errorOf(error, response.status), status: response.status }
      const step = data as SignInStep
      this.absorb(step)
      return { ok: true, step }
    },
    /** New tokens for the refresh token (one refresh at a time); false when the session is over. */
    async refresh(): Promise<boolean> {
      if (!this.refreshToken) return false
      if (!refreshing) {
        const token = this.refreshToken
        refreshing = (async () => {
          try {
            const { data, response } = await api.POST('/auth/refresh', { body: { refresh_token: token } })
            const step = data as SignInStep | undefined
            if (response.ok && step?.access_token) {
              this.setTokens(step.access_token, step.refresh_token ?? null)
              return true
            }
          } catch { /* network */ }
          this.setTokens(null, null)
          return false
        })().finally(() => { refreshing = null })
      }
      return refreshing
    },
    async signOut(everywhere = false) {
      try {
        if (everywhere && this.accessToken) await api.POST('/auth/sign-out-everywhere')
        else if (this.refreshToken) await api.POST('/auth/sign-out', { body: { refresh_token: this.refreshToken } })
      } catch { /* the session ends here either way */ }
      this.setTokens(null, null)
    },
  },
})
