// The public pages' client: the same typed paths as @/api/client, but never with a signed-in person's
// token, so a constituent's submission on a shared device always goes in as the public (qr_token).
import createClient from 'openapi-fetch'
import type { paths } from '@/api/schema'
import { BASE } from '@/api/client'

export const publicApi = createClient<paths>({ baseUrl: (globalThis.location?.origin ?? '') + BASE })
