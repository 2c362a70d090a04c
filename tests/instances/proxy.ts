// A small round-robin HTTP proxy, standing for the load balancer in front of several instances:
// each request goes to the next backend, no stickiness; bodies stream both ways.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type RoundRobinProxy = { url: string; counts: number[]; close(): Promise<void> };

export async function startRoundRobinProxy(backends: string[]): Promise<RoundRobinProxy> {
  const targets = backends.map((b) => new URL(b));
  const counts = targets.map(() => 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  let next = 0;
  const server = http.createServer((req, res) => {
    const index = next++ % targets.length;
    counts[index]! += 1;
    const target = targets[index]!;
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, "x-forwarded-for": req.socket.remoteAddress ?? "127.0.0.1" },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end("bad gateway");
    });
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
