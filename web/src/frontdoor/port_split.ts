// One port for both protocols, as Envoy's listener does (codec AUTO): a connection that opens
// with the HTTP/2 preface is plain gRPC (grpcurl, generated clients) and is passed byte for byte
// to the gRPC gateway (nginx); anything else is HTTP/1.1 from a browser (the pages, gRPC-Web,
// the development sign-in) and goes to `http1`. Debian 12's nginx (1.22) cannot serve h2c and
// HTTP/1.1 on one plaintext port (that came with nginx 1.25.1), hence this split.
import * as net from "node:net";
import type * as http from "node:http";

// RFC 9113 §3.4: every prior-knowledge HTTP/2 connection starts with "PRI * HTTP/2.0\r\n...".
// No HTTP/1.1 method is "PRI" (RFC 9113 reserves it for exactly this), so 4 bytes decide.
const PREFACE_START = Buffer.from("PRI ");

export interface SplitOptions {
  http1: http.Server;
  grpcHost: string;
  grpcPort: number;
  // Connections that never send 4 bytes are closed after this long.
  firstBytesTimeoutMs?: number;
  // At most this many connections at once (pages, gRPC-Web and gRPC together).
  maxConnections?: number;
}

export function createPortSplitter(options: SplitOptions): net.Server {
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    let received = Buffer.alloc(0);
    const decide = () => {
      socket.off("data", onData);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(received);
      if (received.subarray(0, PREFACE_START.length).equals(PREFACE_START)) {
        passThrough(socket, options.grpcHost, options.grpcPort);
      } else {
        options.http1.emit("connection", socket);
      }
      socket.resume();
    };
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (
        received.length >= PREFACE_START.length ||
        !PREFACE_START.subarray(0, received.length).equals(received)
      ) {
        decide();
      }
    };
    socket.on("data", onData);
    socket.once("error", () => socket.destroy());
    socket.setTimeout(options.firstBytesTimeoutMs ?? 10_000, () => socket.destroy());
    socket.resume();
  });
  server.maxConnections = options.maxConnections ?? 4096;
  return server;
}

// Both directions piped; either side ending or failing ends both.
function passThrough(client: net.Socket, host: string, port: number): void {
  const upstream = net.connect({ host, port });
  upstream.setNoDelay(true);
  client.setNoDelay(true);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  upstream.once("error", close);
  client.once("error", close);
  upstream.once("close", close);
  client.once("close", close);
  client.pipe(upstream);
  upstream.pipe(client);
}
