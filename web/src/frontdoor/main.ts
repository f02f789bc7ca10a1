// wse-front-door: the local stack's public port. Plain gRPC passes to nginx unchanged; browsers
// get the pages, gRPC-Web (translated to gRPC by connect-node and sent through nginx), the
// front end's configuration and, in development only, the development identity provider.
//
//   node dist/front-door.mjs --listen=127.0.0.1:8080 --grpc=127.0.0.1:18080 --static=dist/www
//       [--dev-idp-tool=.../wse-dev-idp --dev-idp-key-dir=... --demo-persons=persons.json]
import * as http from "node:http";
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { connectNodeAdapter } from "@connectrpc/connect-node";

import { DevIdentityProvider, loadDemoPersons } from "./dev_idp.js";
import { createRouterOptions, forwardEverything, publicServices } from "./grpc_web_forwarder.js";
import { createPortSplitter } from "./port_split.js";
import { baseHeaders, serveStatic } from "./static_files.js";

const { values } = parseArgs({
  options: {
    listen: { type: "string", default: "127.0.0.1:8080" },
    grpc: { type: "string" },
    static: { type: "string" },
    "client-id": { type: "string", default: "wse-loket" },
    "authorization-endpoint": { type: "string" },
    "token-endpoint": { type: "string" },
    "dev-idp-tool": { type: "string" },
    "dev-idp-key-dir": { type: "string" },
    "demo-persons": { type: "string" },
    // Host headers this front door answers to (DNS rebinding: another site's name resolved to
    // 127.0.0.1 is refused). Default: the listen address and localhost on its port.
    "allowed-host": { type: "string", multiple: true },
  },
});

function hostPort(text: string | undefined, flag: string): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(text ?? "");
  if (!match) throw new Error(`--${flag}=HOST:PORT is required`);
  return { host: match[1], port: Number(match[2]) };
}

const listen = hostPort(values.listen, "listen");
const grpc = hostPort(values.grpc, "grpc");
if (!values.static) throw new Error("--static=DIR is required");
const staticRoot = resolve(values.static);

const devIdp =
  values["dev-idp-tool"] && values["dev-idp-key-dir"]
    ? new DevIdentityProvider({
        tool: values["dev-idp-tool"],
        keyDir: values["dev-idp-key-dir"],
        clientId: values["client-id"]!,
        persons: values["demo-persons"] ? loadDemoPersons(values["demo-persons"]) : [],
      })
    : undefined;
if (!devIdp && (!values["authorization-endpoint"] || !values["token-endpoint"])) {
  throw new Error(
    "give the identity provider's --authorization-endpoint and --token-endpoint, " +
      "or the development provider's --dev-idp-tool and --dev-idp-key-dir",
  );
}
if (devIdp && (values["authorization-endpoint"] || values["token-endpoint"] || listen.host !== "127.0.0.1")) {
  throw new Error("the development identity provider runs only alone and only on 127.0.0.1");
}
const allowedHosts = new Set(
  values["allowed-host"] ?? [`${listen.host}:${listen.port}`, `localhost:${listen.port}`],
);

// What the app needs to know about where it runs (the app has no build-time configuration).
const frontEndConfig = JSON.stringify({
  identityProvider: {
    authorizationEndpoint: values["authorization-endpoint"] ?? "/dev-idp/authorize",
    tokenEndpoint: values["token-endpoint"] ?? "/dev-idp/token",
    clientId: values["client-id"],
    scope: "openid profile email",
  },
  developmentSignIn: devIdp !== undefined,
});
const connectSources = [values["token-endpoint"]]
  .filter((s): s is string => !!s && /^https:/.test(s))
  .map((s) => new URL(s).origin);

const grpcWeb = connectNodeAdapter({
  routes: forwardEverything({
    grpcBaseUrl: `http://${grpc.host}:${grpc.port}`,
  }),
  ...createRouterOptions(),
  // A gRPC-Web call to a method our protos do not have.
  fallback: (_request, response) => {
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("unknown method");
  },
});

// gRPC-Web calls are told apart by their content type, as Envoy's grpc_web filter does; their
// paths are the gRPC paths (/wse.<area>.v1.<Service>/<Method>).
const isGrpcWeb = (request: http.IncomingMessage) =>
  (request.headers["content-type"] ?? "").startsWith("application/grpc-web");
const servicePrefixes = publicServices().map((s) => `/${s.typeName}/`);

const http1 = http.createServer(async (request, response) => {
  try {
    baseHeaders(response);
    if (!allowedHosts.has(request.headers.host ?? "")) {
      response.writeHead(421, { "content-type": "text/plain" }).end("unknown host");
      return;
    }
    const path = new URL(request.url ?? "/", "http://front-door").pathname;
    if (path === "/config.json") {
      response
        .writeHead(200, { "content-type": "application/json", "cache-control": "no-store" })
        .end(frontEndConfig);
      return;
    }
    if (devIdp && (await devIdp.handle(request, response))) return;
    if (isGrpcWeb(request)) {
      grpcWeb(request, response);
      return;
    }
    if (servicePrefixes.some((prefix) => path.startsWith(prefix))) {
      // Plain gRPC arrives over HTTP/2 (the port split); over HTTP/1.1 only gRPC-Web is served.
      response.writeHead(415, { "content-type": "text/plain" });
      response.end("this path takes gRPC over HTTP/2, or gRPC-Web (application/grpc-web+proto)");
      return;
    }
    serveStatic(staticRoot, request, response, connectSources);
  } catch (error) {
    console.error("front door:", error);
    if (!response.headersSent) response.writeHead(500).end();
    else response.destroy();
  }
});
// The HTTP/1.1 server never listens itself (the split hands it its sockets), so Node's header
// and request timers do not run: an idle timeout on every socket bounds slow clients instead.
http1.keepAliveTimeout = 65_000;
// Longer than the longest call (the gateway's 60 s cap), so only a silent connection goes.
http1.timeout = 75_000;

const server = createPortSplitter({ http1, grpcHost: grpc.host, grpcPort: grpc.port });
server.listen(listen.port, listen.host, () => {
  console.log(
    `front door on http://${listen.host}:${listen.port}/ (gRPC to ${grpc.host}:${grpc.port}` +
      `${devIdp ? ", development sign-in" : ""})`,
  );
});
// Stop: no new connections; idle keep-alive connections closed; the rest get 5 s.
const stop = () => {
  server.close(() => process.exit(0));
  http1.closeIdleConnections?.();
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
