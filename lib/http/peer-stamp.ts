import "server-only";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { PEER_HEADER } from "./client-address";

// Next 16 hands route handlers and the proxy a Request without the socket, and keeps a client's own
// X-Forwarded-For as it is (it fills the header from the socket only when it is absent). So the
// peer address is written into a header of our own as each request arrives, before Next reads it,
// replacing whatever the client put there. Requests that arrived before this ran (the first ones
// while the server starts) have no stamp and count as one unknown address.

const installed = Symbol.for("switchboard.peer-stamp");

type Emitter = { emit(event: string | symbol, ...args: unknown[]): boolean; [installed]?: true };

/** Idempotent; called once per server process from instrumentation's register(). */
export function installPeerAddressStamp(): void {
  for (const proto of [http.Server.prototype, https.Server.prototype] as unknown as Emitter[]) {
    if (proto[installed]) continue;
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
      if (event === "request") stampPeer(args[0] as IncomingMessage);
      return emit.call(this, event, ...args);
    };
    proto[installed] = true;
  }
}

export function stampPeer(request: IncomingMessage): void {
  request.headers[PEER_HEADER] = request.socket.remoteAddress ?? "";
}
