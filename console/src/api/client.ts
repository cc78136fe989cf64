// The console's one HTTP client: openapi-fetch typed by the paths generated from the gateway's
// OpenAPI document (src/api/schema.d.ts, `npm run gen:api`). Base "/api/v1"; the access token
// comes from the auth store; a 401 refreshes the session once and retries the request.
import createClient from 'openapi-fetch'
import type { paths, components } from './schema'
import { useAuthStore } from '@/stores/auth'

export type Schemas = components['schemas']
export type ErrorInfo = { code: string; message: string; details?: Array<{ field?: string; message?: string; [k: string]: unknown }> }
export const BASE = '/api/v1'

// Sign-in steps and refresh answer 401 for their own reasons: never refresh-and-retry them.
const NO_RETRY = /\/api\/v1\/auth\/(sign-in|mfa|totp\/|password|refresh|sign-out$)/

// These take no access token: an expired one would be refused before the route (refresh, sign-out).
const NO_TOKEN = /\/api\/v1\/auth\/(sign-in|mfa|refresh|sign-out)$/

export async function authFetch(input: Request): Promise<Response> {
  const auth = useAuthStore()
  const retry = input.clone()
  const path = new URL(input.url, location.href).pathname
  if (auth.accessToken && !input.headers.has('Authorization') && !NO_TOKEN.test(path)) {
    input.headers.set('Authorization', `Bearer ${auth.accessToken}`)
  }
  const response = await globalThis.fetch(input)
  if (response.status !== 401 || !auth.refreshToken || NO_RETRY.test(path)) {
    return response
  }
  if (!(await auth.refresh())) return response
  retry.headers.set('Authorization', `Bearer ${auth.accessToken}`)
  return globalThis.fetch(retry)
}

// absolute, so Request objects work outside a browser too (Vitest's jsdom runs on Node's fetch)
export const api = createClient<paths>({ baseUrl: (globalThis.location?.origin ?? '') + BASE, fetch: authFetch })

/** The error of an API answer, or a stand-in when the body was not the API's error shape. */
export function errorOf(error: unknown, status?: number): ErrorInfo {
  const e = (error as { error?: ErrorInfo } | undefined)?.error
  if (e && typeof e.message === 'string') return e
  return { code: 'unknown', message: status ? `请求失败（HTTP ${status}）` : '网络错误，请稍后重试', details: [] }
}

/** Field name → message, from error.details[] (validation failures name each field). */
export function fieldErrors(error: ErrorInfo | null | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const d of error?.details ?? []) {
    const field = typeof d.field === 'string' ? d.field : ''
    if (field && !out[field]) out[field] = String(d.message ?? '格式不正确')
  }
  return out
}

/** A fresh Idempotency-Key for a POST that creates. */
export function idempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`
}
