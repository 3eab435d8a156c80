// Drives a Tollgate server with better-auth's OWN client to check /api/auth compatibility.
//
//   node compat.mjs <baseURL> <adminEmail> <adminPassword>
//
// baseURL is the server root (e.g. http://127.0.0.1:5000); the client appends /api/auth.
// Prints one JSON line per step: {"step","ok","detail"}; exits 1 on the first failure.
// Node has no cookie jar, so every authenticated call carries a bearer token via
// better-fetch's documented `fetchOptions.auth` option (-> "authorization: Bearer <token>").
// Node's fetch sends "sec-fetch-mode: cors" but no Origin, and a real better-auth server then
// rejects sign-up/sign-in with 403 MISSING_OR_NULL_ORIGIN, so every call carries
// "Origin: <origin of baseURL>" (set COMPAT_NO_ORIGIN=1 to omit it and test that path).
// Set COMPAT_SKIP_OTHER_SESSIONS=1 to skip step g2 (revokeOtherSessions + signOut).
import { randomBytes } from "node:crypto";
import { createAuthClient } from "better-auth/client";
import { adminClient } from "better-auth/client/plugins";

const [baseURL, adminEmail, adminPassword] = process.argv.slice(2);
if (!baseURL || !adminEmail || !adminPassword) {
  console.error("usage: node compat.mjs <baseURL> <adminEmail> <adminPassword>");
  process.exit(2);
}

/** Raw response bodies, so timestamp formats can be checked (the client turns them into Dates). */
const rawBodies = [];

const client = createAuthClient({
  baseURL,
  plugins: [adminClient()],
  fetchOptions: {
    ...(process.env.COMPAT_NO_ORIGIN === "1" ? {} : { headers: { origin: new URL(baseURL).origin } }),
    onResponse: async (ctx) => {
      rawBodies.push({ url: String(ctx.request.url), text: await ctx.response.clone().text() });
    },
  },
});

/** Per-call fetch options that authenticate with a bearer token. */
const bearer = (token) => ({ auth: { type: "Bearer", token } });

class StepFailure extends Error {}

function check(cond, message) {
  if (!cond) throw new StepFailure(message);
}

/** Summarise a better-fetch result for the detail field (Dates -> ISO via JSON). */
const summary = (res) => ({ data: res?.data ?? null, error: res?.error ?? null });

async function step(name, fn) {
  try {
    const detail = await fn();
    console.log(JSON.stringify({ step: name, ok: true, detail: detail ?? null }));
    return detail;
  } catch (err) {
    const detail = err instanceof StepFailure
      ? { message: err.message, last: lastResult }
      : { message: String(err?.stack ?? err), last: lastResult };
    console.log(JSON.stringify({ step: name, ok: false, detail }));
    process.exit(1);
  }
}

let lastResult = null;
/** Await a client call and remember its {data,error} for failure reports. */
async function call(promise) {
  const res = await promise;
  lastResult = summary(res);
  return res;
}

function expectOk(res, what) {
  check(res && res.error == null, `${what}: unexpected error ${JSON.stringify(res?.error)}`);
  check(res.data != null, `${what}: data is null`);
  return res.data;
}

async function getSession(token) {
  return call(client.getSession({ fetchOptions: bearer(token) }));
}

async function expectDeadSession(token, what) {
  const res = await getSession(token);
  check(res.error == null, `${what}: getSession returned error ${JSON.stringify(res.error)} (better-auth returns 200 + JSON null)`);
  check(res.data === null, `${what}: expected data null, got ${JSON.stringify(res.data)}`);
  return { data: res.data };
}

const email = `u-${randomBytes(6).toString("hex")}@example.com`;
const password = "correct-horse-battery";
const name = "Compat User";
let userId;
let userToken;
let adminToken;

await step("a.signUp.email", async () => {
  const res = await call(client.signUp.email({ name, email, password }));
  const data = expectOk(res, "signUp.email");
  check(typeof data.token === "string" && data.token.length > 0, "data.token missing/empty");
  check(data.user && typeof data.user.id === "string" && data.user.id.length > 0, "data.user.id missing");
  check(String(data.user.email).toLowerCase() === email.toLowerCase(), `data.user.email ${data.user.email} != ${email}`);
  userId = data.user.id;
  return { userId, email: data.user.email, tokenLength: data.token.length };
});

await step("b.signIn.email", async () => {
  let setAuthToken = null;
  const res = await call(client.signIn.email({ email, password }, {
    onSuccess: (ctx) => { setAuthToken = ctx.response.headers.get("set-auth-token"); },
  }));
  const data = expectOk(res, "signIn.email");
  check(typeof data.token === "string" && data.token.length > 0, "data.token missing/empty");
  check(data.user?.id === userId, `data.user.id ${data.user?.id} != ${userId}`);
  userToken = data.token;
  return { userId: data.user.id, redirect: data.redirect ?? null, setAuthTokenHeader: setAuthToken !== null };
});

await step("c.getSession", async () => {
  const data = expectOk(await getSession(userToken), "getSession");
  check(data.user?.id === userId, `data.user.id ${data.user?.id} != ${userId}`);
  check(data.session?.userId === userId, `data.session.userId ${data.session?.userId} != ${userId}`);
  check(data.user.role === "org_member", `data.user.role ${JSON.stringify(data.user.role)} != "org_member"`);
  return { role: data.user.role, sessionId: data.session.id ?? null, expiresAtIsDate: data.session.expiresAt instanceof Date };
});

// better-auth's client JSON parser turns ISO strings into Dates but reads the fraction as an
// integer millisecond count: "...:00.1234567Z" becomes 20 minutes later. .NET's default
// DateTime JSON has 7 fractional digits, so require <= 3 digits plus Z/offset, like JS toISOString().
await step("c2.timestampFormat", async () => {
  const bad = [];
  let seen = 0;
  for (const { url, text } of rawBodies) {
    for (const m of text.matchAll(/"(\d{4}-\d{2}-\d{2}T[^"]*)"/g)) {
      seen++;
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/.test(m[1])) bad.push({ url, value: m[1] });
    }
  }
  check(seen > 0, "no ISO timestamps found in sign-up/sign-in/get-session responses");
  check(bad.length === 0, `timestamps the better-auth client misparses (need <=3 fractional digits and Z/offset): ${JSON.stringify(bad.slice(0, 5))}`);
  return { timestampsChecked: seen };
});

await step("d.admin.setRole", async () => {
  const signIn = expectOk(await call(client.signIn.email({ email: adminEmail, password: adminPassword })), "admin signIn.email");
  check(typeof signIn.token === "string" && signIn.token.length > 0, "admin data.token missing/empty");
  adminToken = signIn.token;
  const res = await call(client.admin.setRole({ userId, role: "platform_admin", fetchOptions: bearer(adminToken) }));
  const data = expectOk(res, "admin.setRole");
  check(data.user?.role === "platform_admin", `data.user.role ${JSON.stringify(data.user?.role)} != "platform_admin"`);
  const session = expectOk(await getSession(userToken), "getSession after setRole");
  check(session.user?.role === "platform_admin", `user's session role ${JSON.stringify(session.user?.role)} != "platform_admin"`);
  return { setRoleUserRole: data.user.role, sessionRole: session.user.role };
});

await step("e.admin.listUserSessions", async () => {
  const data = expectOk(await call(client.admin.listUserSessions({ userId, fetchOptions: bearer(adminToken) })), "admin.listUserSessions");
  check(Array.isArray(data.sessions), "data.sessions is not an array");
  check(data.sessions.length >= 2, `expected >= 2 sessions, got ${data.sessions.length}`);
  check(data.sessions.every((s) => s.userId === userId), "a session has a different userId");
  return { count: data.sessions.length };
});

await step("f.admin.revokeUserSessions", async () => {
  const data = expectOk(await call(client.admin.revokeUserSessions({ userId, fetchOptions: bearer(adminToken) })), "admin.revokeUserSessions");
  check(data.success === true, `data.success ${JSON.stringify(data.success)} != true`);
  return await expectDeadSession(userToken, "getSession after revokeUserSessions");
});

await step("g1.revokeSessions", async () => {
  const signIn = expectOk(await call(client.signIn.email({ email, password })), "signIn.email again");
  const token = signIn.token;
  check(typeof token === "string" && token.length > 0, "data.token missing/empty");
  expectOk(await getSession(token), "getSession before revokeSessions");
  const data = expectOk(await call(client.revokeSessions({ fetchOptions: bearer(token) })), "revokeSessions");
  check(data.status === true, `data.status ${JSON.stringify(data.status)} != true`);
  return await expectDeadSession(token, "getSession after revokeSessions");
});

if (process.env.COMPAT_SKIP_OTHER_SESSIONS !== "1") {
  await step("g2.revokeOtherSessions+signOut", async () => {
    const first = expectOk(await call(client.signIn.email({ email, password })), "signIn.email #1").token;
    const second = expectOk(await call(client.signIn.email({ email, password })), "signIn.email #2").token;
    const data = expectOk(await call(client.revokeOtherSessions({ fetchOptions: bearer(second) })), "revokeOtherSessions");
    check(data.status === true, `revokeOtherSessions data.status ${JSON.stringify(data.status)} != true`);
    await expectDeadSession(first, "getSession(other token) after revokeOtherSessions");
    expectOk(await getSession(second), "getSession(current token) after revokeOtherSessions");
    const out = expectOk(await call(client.signOut({ fetchOptions: bearer(second) })), "signOut");
    check(out.success === true, `signOut data.success ${JSON.stringify(out.success)} != true`);
    return await expectDeadSession(second, "getSession after signOut");
  });
}
