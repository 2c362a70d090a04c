import { registerAccount, registrationAddress } from "@/lib/auth/register";
import { registerSchema } from "@/lib/auth/schemas";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";

export const POST = route(async (request) => {
  assertSameOrigin(request);
  const input = await readJson(request, registerSchema, { maxBytes: 10_000, surface: "register" });
  const user = await registerAccount(input, registrationAddress(request.headers));
  return json({ user: { id: user.id, email: user.email, name: user.name, role: user.role } }, { status: 201 });
});
