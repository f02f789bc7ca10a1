// One gRPC-Web transport to the gateway and a client per service, generated from proto/. Every
// call carries the access token (renewed first when it is about to expire) and a request id.
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { timestampMs } from "@bufbuild/protobuf/wkt";

import { IdentityService } from "../gen/wse/identity/v1/identity_service_pb.js";
import { RegistrationService } from "../gen/wse/registration/v1/registration_service_pb.js";
import { RightsService } from "../gen/wse/rights/v1/rights_service_pb.js";
import { currentSession, saveSession, updateSession } from "./session.js";

const RENEW_BEFORE_MS = 60_000;

const requestId: Interceptor = (next) => (request) => {
  request.header.set("x-request-id", crypto.randomUUID());
  return next(request);
};

// Calls that need no bearer token (StartLogin, ExchangeIdToken, RefreshSession).
const anonymousTransport = createGrpcWebTransport({
  baseUrl: location.origin,
  interceptors: [requestId],
});
export const anonymousIdentity = createClient(IdentityService, anonymousTransport);

let renewing: Promise<string | undefined> | undefined;

async function renew(): Promise<string | undefined> {
  const session = currentSession();
  if (!session) return undefined;
  try {
    const renewed = await anonymousIdentity.refreshSession({ refreshToken: session.refreshToken });
    updateSession({
      accessToken: renewed.accessToken,
      accessTokenExpireMs: renewed.accessTokenExpireTime ? timestampMs(renewed.accessTokenExpireTime) : 0,
      refreshToken: renewed.refreshToken,
      refreshTokenExpireMs: renewed.refreshTokenExpireTime ? timestampMs(renewed.refreshTokenExpireTime) : 0,
    });
    return renewed.accessToken;
  } catch (error) {
    // A refresh token that no longer works ends the session here too.
    if (ConnectError.from(error).code === Code.Unauthenticated) saveSession(undefined);
    throw error;
  }
}

async function accessToken(): Promise<string | undefined> {
  const session = currentSession();
  if (!session) return undefined;
  if (session.accessTokenExpireMs - RENEW_BEFORE_MS > Date.now()) return session.accessToken;
  renewing ??= renew().finally(() => (renewing = undefined));
  return renewing;
}

const bearer: Interceptor = (next) => async (request) => {
  const token = await accessToken();
  if (token) request.header.set("authorization", `Bearer ${token}`);
  try {
    return await next(request);
  } catch (error) {
    // The session ended (logged out elsewhere, revoked, expired): back to the sign-in page.
    if (token && ConnectError.from(error).code === Code.Unauthenticated) saveSession(undefined);
    throw error;
  }
};

const transport = createGrpcWebTransport({
  baseUrl: location.origin,
  interceptors: [requestId, bearer],
});

export const identity = createClient(IdentityService, transport);
export const rights = createClient(RightsService, transport);
export const registration = createClient(RegistrationService, transport);
