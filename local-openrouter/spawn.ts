// Starts the local OpenRouter as its own process (the way demo mode, the e2e tests and the
// benchmarks run it), and resolves once it prints its address.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export type LocalOpenRouterProcess = {
  child: ChildProcess;
  url: string;
  baseURL: string;
  stop(): Promise<void>;
};

const root = path.resolve(import.meta.dirname, "..");

export function startLocalOpenRouterProcess(options: { key?: string; port?: number; env?: Record<string, string> }): Promise<LocalOpenRouterProcess> {
  const child = spawn(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "local-openrouter/main.ts")], {
    cwd: root,
    env: {
      ...process.env,
      ...options.env,
      LOCAL_OPENROUTER_PORT: String(options.port ?? 0),
      ...(options.key ? { LOCAL_OPENROUTER_KEY: options.key } : {}),
      LOCAL_OPENROUTER_EXIT_WITH_PARENT: "1",
    },
    // stdin stays open for the child's life: when this process dies, even by SIGKILL, the pipe
    // closes and the child stops instead of lingering on its port.
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("The local OpenRouter did not start within 30 s."));
    }, 30_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The local OpenRouter exited with code ${code} before it was ready.`));
    });
    child.stdout!.on("data", (data: Buffer) => {
      buffer += data.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(buffer);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.stdout!.removeAllListeners("data");
      child.stdout!.resume();
      const url = match[1];
      resolve({
        child,
        url,
        baseURL: `${url}/api/v1`,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
