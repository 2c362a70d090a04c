// Accounts over HTTP, as a browser would make them: register, then sign in with Auth.js's
// credentials flow (CSRF token → callback), keeping the session cookie.
import { randomBytes } from "node:crypto";
import { request } from "./http";

export type BenchUser = { name: string; email: string; password: string };
export type Session = { user: BenchUser; cookie: string };

export function newBenchUser(prefix = "bench"): BenchUser {
  const id = randomBytes(5).toString("hex");
  return { name: `${prefix} ${id}`, email: `${prefix}-${id}@example.com`, password: `pw-${id}-long-enough` };
}

function cookiesOf(setCookie: string[] | undefined): Map<string, string> {
  const jar = new Map<string, string>();
  for (const line of setCookie ?? []) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    if (eq > 0) jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
  return jar;
}

const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

export async function register(baseUrl: string, user: BenchUser): Promise<void> {
  const response = await request(`${baseUrl}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(user),
  });
  if (response.status !== 201) throw new Error(`register ${user.email}: ${response.status} ${response.body.slice(0, 300)}`);
}

export async function signIn(baseUrl: string, user: Pick<BenchUser, "email" | "password">): Promise<string> {
  const csrf = await request(`${baseUrl}/api/auth/csrf`);
  if (csrf.status !== 200) throw new Error(`csrf: ${csrf.status}`);
  const jar = cookiesOf(csrf.headers["set-cookie"]);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const form = new URLSearchParams({ email: user.email, password: user.password, csrfToken, callbackUrl: `${baseUrl}/` });
  const response = await request(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header(jar), "x-auth-return-redirect": "1" },
    body: form.toString(),
  });
  for (const [k, v] of cookiesOf(response.headers["set-cookie"])) jar.set(k, v);
  const session = [...jar.keys()].find((k) => k.endsWith("authjs.session-token"));
  if (!session) throw new Error(`sign-in ${user.email} failed: ${response.status} ${response.body.slice(0, 300)}`);
  // Only the session cookie is needed from here on.
  return `${session}=${jar.get(session)}`;
}

export async function registerAndSignIn(baseUrl: string, prefix = "bench"): Promise<Session> {
  const user = newBenchUser(prefix);
  await register(baseUrl, user);
  return { user, cookie: await signIn(baseUrl, user) };
}
