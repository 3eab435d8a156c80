// A REAL better-auth server (in-memory DB, admin + bearer plugins) configured like Tollgate
// (default role org_member, admin role platform_admin). Use it to check compat.mjs itself
// and to diff Tollgate's responses against the genuine article.
//
//   node reference-server.mjs [port=4546] [adminEmail=admin@example.com] [adminPassword=admin-password-123]
//
// Set REFERENCE_LOG=1 to log each request/response line to stdout.
import { createServer } from "node:http";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { admin, bearer } from "better-auth/plugins";
import { adminAc, userAc } from "better-auth/plugins/admin/access";
import { toNodeHandler } from "better-auth/node";

const port = Number(process.argv[2] ?? 4546);
const adminEmail = process.argv[3] ?? "admin@example.com";
const adminPassword = process.argv[4] ?? "admin-password-123";
const baseURL = `http://127.0.0.1:${port}`;

const db = { user: [], session: [], account: [], verification: [] };
const auth = betterAuth({
  baseURL,
  secret: "reference-server-secret-not-for-production-000",
  database: memoryAdapter(db),
  emailAndPassword: { enabled: true },
  telemetry: { enabled: false },
  rateLimit: { enabled: false },
  plugins: [
    admin({
      defaultRole: "org_member",
      adminRoles: ["platform_admin"],
      roles: { platform_admin: adminAc, org_member: userAc },
    }),
    bearer(),
  ],
});

const { user } = await auth.api.signUpEmail({ body: { name: "Admin", email: adminEmail, password: adminPassword } });
db.user.find((u) => u.id === user.id).role = "platform_admin";

const handler = toNodeHandler(auth);
createServer((req, res) => {
  if (process.env.REFERENCE_LOG === "1") {
    const end = res.end.bind(res);
    const chunks = [];
    const write = res.write.bind(res);
    res.write = (c, ...a) => { if (c) chunks.push(Buffer.from(c)); return write(c, ...a); };
    res.end = (c, ...a) => {
      if (c && typeof c !== "function") chunks.push(Buffer.from(c));
      console.log(JSON.stringify({
        method: req.method, url: req.url, origin: req.headers.origin ?? null,
        status: res.statusCode, responseHeaders: res.getHeaders(), response: Buffer.concat(chunks).toString("utf8"),
      }));
      return end(c, ...a);
    };
  }
  return handler(req, res);
}).listen(port, "127.0.0.1", () => console.error(`reference better-auth server on ${baseURL}`));
