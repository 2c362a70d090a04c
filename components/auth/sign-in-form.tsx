"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { signIn } from "next-auth/react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { credentialsSchema } from "@/lib/auth/schemas";

type Props = {
  callbackUrl: string;
  oauthProviders: { id: string; name: string }[];
  registrationOpen: boolean;
};

export function SignInForm({ callbackUrl, oauthProviders, registrationOpen }: Props) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = credentialsSchema.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Check your email and password.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", { ...parsed.data, redirect: false });
      if (!result || result.error) {
        setError("Wrong email or password, or too many attempts. Try again in a few minutes if this persists.");
        return;
      }
      router.replace(callbackUrl);
      router.refresh();
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Sign in</CardTitle>
        <CardDescription>Welcome back.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        <form onSubmit={onSubmit} className="space-y-4" noValidate data-testid="sign-in-form">
          <div className="space-y-2">
            <Label htmlFor="email">Email</Label>
            <Input id="email" name="email" type="email" autoComplete="email" required data-testid="sign-in-email" />
          </div>
          <div className="space-y-2">
            <Label htmlFor="password">Password</Label>
            <Input id="password" name="password" type="password" autoComplete="current-password" required data-testid="sign-in-password" />
          </div>
          {error && (
            <Alert variant="destructive" data-testid="sign-in-error" role="alert">
              <AlertDescription>{error}</AlertDescription>
            </Alert>
          )}
          <Button type="submit" className="w-full" disabled={pending} data-testid="sign-in-submit">
            {pending ? "Signing in…" : "Sign in"}
          </Button>
        </form>
        {oauthProviders.length > 0 && (
          <div className="space-y-2">
            {oauthProviders.map((p) => (
              <Button
                key={p.id}
                variant="outline"
                className="w-full"
                data-testid={`sign-in-${p.id}`}
                onClick={() => void signIn(p.id, { redirectTo: callbackUrl })}
              >
                Continue with {p.name}
              </Button>
            ))}
          </div>
        )}
      </CardContent>
      {registrationOpen && (
        <CardFooter className="justify-center text-sm text-muted-foreground">
          No account yet?&nbsp;
          <Link href="/register" className="font-medium text-foreground underline" data-testid="go-register">
            Create one
          </Link>
        </CardFooter>
      )}
    </Card>
  );
}
