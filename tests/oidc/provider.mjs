// A real OpenID Connect provider for earlyhelp's single sign-on tests: node-oidc-provider on
// 127.0.0.1, with its own sign-in and consent pages (plain HTML forms the tests submit).
//
//   node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG.json: {"clients": [client metadata...], "accounts": {"login": {...}}}. Each account:
// {"password": "...", "sub": "...", "claims": {...}, "amr": ["pwd", "mfa"], "acr": "..."}.
// The provider listens on a free port and prints "READY <issuer>" once it answers.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;
const bySub = new Map(Object.values(accounts).map((account) => [account.sub, account]));

const html = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${html(title)}</title>`
    + `</head><body><main><h1>${html(title)}</h1>${body}</main></body></html>`;
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
    req.on('error', reject);
  });
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

function loginPage(uid, error = '') {
  return page('Sign in to the test identity provider', `
    ${error ? `<p role="alert" id="error">${html(error)}</p>` : ''}
    <form method="post" action="/interaction/${html(uid)}/login">
      <label for="login">Username</label> <input id="login" name="login" autocomplete="username">
      <label for="password">Password</label> <input id="password" name="password" type="password">
      <button type="submit">Sign in</button>
    </form>`);
}

function consentPage(uid, clientId, scopes) {
  return page('Allow access', `
    <p>${html(clientId)} asks for: ${html(scopes.join(', '))}.</p>
    <form method="post" action="/interaction/${html(uid)}/confirm">
      <button type="submit">Allow</button>
    </form>`);
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true }, // every client must send an S256 code challenge
    claims: {
      // How the person signed in goes into every ID token, as Entra ID's v1.0 tokens do.
      openid: ['sub', 'amr', 'acr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'oid', 'tid'],
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Sign out of the test identity provider?',
            `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>`);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out', '<p>You have signed out.</p>');
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Error', `<pre id="oidc-error">${html(JSON.stringify(out))}</pre>`);
    },
    async findAccount(ctx, sub) {
      const account = bySub.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
    },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, IdToken: 300, AccessToken: 300, AuthorizationCode: 60 },
  });
  const oidc = provider.callback();

  server.on('request', async (req, res) => {
    const match = req.url.match(/^\/interaction\/([^/?]+)(?:\/(login|confirm))?/);
    if (!match) {
      oidc(req, res);
      return;
    }
    try {
      const details = await provider.interactionDetails(req, res);
      const { uid, prompt, params, session, grantId } = details;
      if (req.method === 'GET') {
        send(res, 200, prompt.name === 'login'
          ? loginPage(uid)
          : consentPage(uid, params.client_id, String(params.scope).split(' ')));
      } else if (match[2] === 'login') {
        const form = await readForm(req);
        const account = accounts[form.login];
        if (!account || account.password !== form.password) {
          send(res, 400, loginPage(uid, 'Wrong username or password'));
          return;
        }
        const login = { accountId: account.sub, amr: account.amr, acr: account.acr };
        await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
      } else if (match[2] === 'confirm') {
        await readForm(req);
        const grant = grantId
          ? await provider.Grant.find(grantId)
          : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
        const missing = prompt.details;
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        const consent = { grantId: await grant.save() };
        await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
      } else {
        send(res, 405, page('Not allowed', ''));
      }
    } catch (error) {
      send(res, 400, page('Error', `<pre id="oidc-error">${html(error.message)}</pre>`));
    }
  });
  process.stdout.write(`READY ${issuer}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
