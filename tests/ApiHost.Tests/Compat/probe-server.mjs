// Throwaway in-memory stand-in for the better-auth server, used only to observe what
// better-auth's client sends. Logs one JSON line per request to stdout and answers with
// the same shapes better-auth's server returns (see REQUESTS.md).
//
//   node probe-server.mjs [port=4545] [adminEmail=admin@example.com] [adminPassword=admin-password-123]
import { createServer } from "node:http";
import { randomBytes, randomUUID } from "node:crypto";

const port = Number(process.argv[2] ?? 4545);
const adminEmail = (process.argv[3] ?? "admin@example.com").toLowerCase();
const adminPassword = process.argv[4] ?? "admin-password-123";

const users = new Map(); // id -> user (with password)
const sessions = new Map(); // token -> session

function now() {
  return new Date().toISOString();
}

function addUser(name, email, password, role) {
  const t = now();
  const user = {
    id: randomUUID(), name, email: email.toLowerCase(), emailVerified: false, image: null,
    createdAt: t, updatedAt: t, role, banned: false, banReason: null, banExpires: null,
  };
  users.set(user.id, { ...user, password });
  return user;
}

function publicUser(u) {
  const { password, ...rest } = u;
  return rest;
}

function newSession(userId, req) {
  const t = now();
  const s = {
    id: randomUUID(), token: randomBytes(24).toString("base64url"), userId,
    expiresAt: new Date(Date.now() + 7 * 864e5).toISOString(), createdAt: t, updatedAt: t,
    ipAddress: req.socket.remoteAddress ?? "", userAgent: req.headers["user-agent"] ?? "", impersonatedBy: null,
  };
  sessions.set(s.token, s);
  return s;
}

function currentSession(req) {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  if (!m) return null;
  const s = sessions.get(m[1]);
  if (!s || Date.parse(s.expiresAt) < Date.now()) return null;
  return { session: s, user: users.get(s.userId) };
}

function send(res, status, body, extraHeaders = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...extraHeaders });
  res.end(text);
}

const apiError = (res, status, code, message) => send(res, status, { code, message });

addUser("Admin", adminEmail, adminPassword, "platform_admin");

const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const raw = Buffer.concat(chunks).toString("utf8");
  let body = null;
  try { body = raw ? JSON.parse(raw) : null; } catch { body = raw; }
  const url = new URL(req.url, `http://${req.headers.host}`);
  console.log(JSON.stringify({
    method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams),
    headers: req.headers, rawBody: raw, body,
  }));

  const path = url.pathname.replace(/^\/api\/auth/, "");
  const route = `${req.method} ${path}`;
  const ctx = currentSession(req);
  const requireAdmin = () => {
    if (!ctx) { apiError(res, 401, "UNAUTHORIZED", "Unauthorized"); return false; }
    if (ctx.user.role !== "platform_admin") { apiError(res, 403, "FORBIDDEN", "Forbidden"); return false; }
    return true;
  };

  switch (route) {
    case "POST /sign-up/email": {
      const { name, email, password } = body ?? {};
      if ([...users.values()].some((u) => u.email === String(email).toLowerCase()))
        return apiError(res, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "User already exists. Use another email.");
      const user = addUser(name, email, password, "org_member");
      const s = newSession(user.id, req);
      return send(res, 200, { token: s.token, user }, { "set-auth-token": s.token });
    }
    case "POST /sign-in/email": {
      const { email, password } = body ?? {};
      const u = [...users.values()].find((x) => x.email === String(email).toLowerCase());
      if (!u || u.password !== password) return apiError(res, 401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password");
      const s = newSession(u.id, req);
      return send(res, 200, { redirect: false, token: s.token, user: publicUser(u) }, { "set-auth-token": s.token });
    }
    case "GET /get-session":
      res.setHeader("cache-control", "no-store");
      return send(res, 200, ctx ? { session: ctx.session, user: publicUser(ctx.user) } : null);
    case "POST /sign-out":
      if (ctx) sessions.delete(ctx.session.token);
      return send(res, 200, { success: true });
    case "POST /revoke-sessions":
      if (!ctx) return apiError(res, 401, "UNAUTHORIZED", "Unauthorized");
      for (const [t, s] of sessions) if (s.userId === ctx.user.id) sessions.delete(t);
      return send(res, 200, { status: true });
    case "POST /revoke-other-sessions":
      if (!ctx) return apiError(res, 401, "UNAUTHORIZED", "Unauthorized");
      for (const [t, s] of sessions) if (s.userId === ctx.user.id && t !== ctx.session.token) sessions.delete(t);
      return send(res, 200, { status: true });
    case "POST /admin/set-role": {
      if (!requireAdmin()) return;
      const u = users.get(String(body?.userId));
      if (!u) return apiError(res, 404, "USER_NOT_FOUND", "User not found");
      u.role = Array.isArray(body.role) ? body.role.join(",") : body.role;
      u.updatedAt = now();
      return send(res, 200, { user: publicUser(u) });
    }
    case "POST /admin/list-user-sessions": {
      if (!requireAdmin()) return;
      return send(res, 200, { sessions: [...sessions.values()].filter((s) => s.userId === String(body?.userId)) });
    }
    case "POST /admin/revoke-user-sessions": {
      if (!requireAdmin()) return;
      for (const [t, s] of sessions) if (s.userId === String(body?.userId)) sessions.delete(t);
      return send(res, 200, { success: true });
    }
    default:
      return apiError(res, 404, "NOT_FOUND", `No route ${route}`);
  }
});

server.listen(port, "127.0.0.1", () => console.error(`probe-server listening on http://127.0.0.1:${port}`));
