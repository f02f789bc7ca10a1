// gRPC-Web in, gRPC out: every method of every service of our protos, forwarded as it is to the
// gRPC gateway (nginx), which routes it and applies the same credential rules as to any gRPC
// caller. connect-node does the gRPC-Web side and the gRPC side; this file only wires each
// method to the upstream call and carries headers, deadline, cancellation and errors across.
import {
  ConnectError,
  createConnectRouter,
  type ConnectRouter,
  type HandlerContext,
} from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type {
  DescFile,
  DescMethod,
  DescMethodServerStreaming,
  DescMethodUnary,
  DescService,
} from "@bufbuild/protobuf";

import { file_wse_identity_v1_identity_service } from "../gen/wse/identity/v1/identity_service_pb.js";
import { file_wse_rights_v1_rights_service } from "../gen/wse/rights/v1/rights_service_pb.js";
import { file_wse_registration_v1_registration_service } from "../gen/wse/registration/v1/registration_service_pb.js";

// The services people call. The others (notify-svc, replica caches, leases, ext_authz) are for
// services and operators: not offered to browsers, and not routed by nginx's public listener.
const FILES: DescFile[] = [
  file_wse_identity_v1_identity_service,
  file_wse_rights_v1_rights_service,
  file_wse_registration_v1_registration_service,
];

export function publicServices(): DescService[] {
  return FILES.flatMap((file) => file.services);
}

// Request headers a browser call may carry on; everything else (cookies, browser headers) stays
// here.
const FORWARDED_REQUEST_HEADERS = ["authorization", "x-request-id", "accept-language"];

function forwardedHeaders(context: HandlerContext, peer: string | undefined): Headers {
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = context.requestHeader.get(name);
    if (value !== null) headers.set(name, value);
  }
  if (peer) headers.set("x-forwarded-for", peer);
  return headers;
}

// Protocol headers are the transports' own; the rest (e.g. x-request-id) travels back.
const PROTOCOL_HEADER =
  /^(content-type|content-encoding|grpc-.*|te|trailer|transfer-encoding|connection|date|server)$/i;

function copyNonProtocol(from: Headers, to: Headers): void {
  from.forEach((value, name) => {
    if (!PROTOCOL_HEADER.test(name)) to.set(name, value);
  });
}

// An error from upstream keeps its code, message and details (BadRequest, ErrorInfo,
// LocalizedMessage); its non-protocol metadata is relayed too (connect drops metadata of errors
// read from the wire unless they are re-made).
function relayError(error: unknown): never {
  if (error instanceof ConnectError) {
    const metadata = new Headers();
    copyNonProtocol(error.metadata, metadata);
    const relayed = new ConnectError(error.rawMessage, error.code, metadata, undefined, error.cause);
    relayed.details.push(...error.details);
    throw relayed;
  }
  throw error;
}

export interface ForwarderOptions {
  grpcBaseUrl: string; // e.g. http://127.0.0.1:18080 (h2c)
  peerOf?: (context: HandlerContext) => string | undefined;
}

export function forwardEverything(options: ForwarderOptions): (router: ConnectRouter) => void {
  const transport = createGrpcTransport({ baseUrl: options.grpcBaseUrl });
  return (router: ConnectRouter) => {
    for (const service of publicServices()) {
      for (const method of service.methods) register(router, method);
    }
  };

  function register(router: ConnectRouter, method: DescMethod): void {
    switch (method.methodKind) {
      case "unary": {
        const unary = method as DescMethodUnary;
        router.rpc(unary, async (request, context) => {
          try {
            const response = await transport.unary(
              unary,
              context.signal,
              context.timeoutMs(),
              forwardedHeaders(context, options.peerOf?.(context)),
              request,
            );
            copyNonProtocol(response.header, context.responseHeader);
            copyNonProtocol(response.trailer, context.responseTrailer);
            return response.message;
          } catch (error) {
            relayError(error);
          }
        });
        return;
      }
      case "server_streaming": {
        const streaming = method as DescMethodServerStreaming;
        router.rpc(streaming, async function* (request, context) {
          try {
            const response = await transport.stream(
              streaming,
              context.signal,
              context.timeoutMs(),
              forwardedHeaders(context, options.peerOf?.(context)),
              (async function* () {
                yield request;
              })(),
            );
            copyNonProtocol(response.header, context.responseHeader);
            yield* response.message;
            copyNonProtocol(response.trailer, context.responseTrailer);
          } catch (error) {
            relayError(error);
          }
        });
        return;
      }
      default:
        // Client and bidi streaming need HTTP/2 end to end, which gRPC-Web in a browser does
        // not have; such calls reach the adapter's fallback (HTTP 404).
        return;
    }
  }
}

export function createRouterOptions() {
  // gRPC-Web only: the Connect protocol and plain gRPC are not offered on this side (plain gRPC
  // goes straight to nginx through the port split).
  // A request message larger than gRPC's own default limit (4 MiB) is refused here already.
  return { grpcWeb: true, grpc: false, connect: false, readMaxBytes: 4 * 1024 * 1024 } as const;
}

export { createConnectRouter };
