// The province's unified identity platform (统一身份认证) as the OIDC tests meet it: panva's
// node-oidc-provider (OpenID Certified), pinned in package-lock.json, with its own sign-in and
// consent pages (devInteractions). Nothing here imitates the protocol: the tests drive the real one.
//
//   OIDC_PORT=3017 OIDC_CLIENT_ID=lianxin OIDC_CLIENT_SECRET=... \
//   OIDC_REDIRECT_URI=http://127.0.0.1:8000/api/v1/auth/oidc/callback \
//   OIDC_USERS='{"zhangsan": {"name": "张三", "phone_number": "13800000001", "employee_no": "E001"}}' \
//   node provider.mjs
//
// The client must use PKCE (S256) and authenticates at the token endpoint with client_secret_basic.
// Users sign in on the devInteractions page with their account id as the login (any password):
// the account id is the platform's `sub` and its `preferred_username`. Prints "ready <issuer>" when
// listening.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const env = process.env;
const port = Number(env.OIDC_PORT || process.argv[2] || 3017);
const issuer = env.OIDC_PUBLIC_ISSUER || `http://127.0.0.1:${port}`;
const users = JSON.parse(env.OIDC_USERS || '{}');

const required = ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI'];
for (const name of required) {
  if (!env[name]) {
    console.error(`provider.mjs: ${name} is not set`);
    process.exit(2);
  }
}

// a signing key of its own for every run: nothing secret is committed
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: `test-${randomBytes(4).toString('hex')}` };

const provider = new Provider(issuer, {
  clients: [{
    client_id: env.OIDC_CLIENT_ID,
    client_secret: env.OIDC_CLIENT_SECRET,
    redirect_uris: env.OIDC_REDIRECT_URI.split(' '),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },  // every authorization request must carry an S256 code_challenge
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    phone: ['phone_number'],
    email: ['email'],
    employee: ['employee_no'],  // a platform-specific claim (工号), as provincial platforms have
  },
  features: { devInteractions: { enabled: true } },
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  ttl: { AuthorizationCode: 120, IdToken: 600, AccessToken: 600, Interaction: 600, Session: 600, Grant: 600 },
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;  // devInteractions accepts any login: only the configured ones exist
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id, ...user };
      },
    };
  },
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
