// The test stack as deploy/local/test.sh started it (its STACK_* variables): the public URL,
// operator clients over plain gRPC (the operators' listener), fresh identifiers, the mail sink.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import PostalMime from "postal-mime";

import { IdentityService } from "../../src/gen/wse/identity/v1/identity_service_pb.js";
import { RightsService } from "../../src/gen/wse/rights/v1/rights_service_pb.js";
import { RegistrationService } from "../../src/gen/wse/registration/v1/registration_service_pb.js";

export function env(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run through deploy/local/test.sh (STACK_KEEP=1 keeps the stack)`);
  return value;
}

export const publicUrl = () => `http://127.0.0.1:${env("STACK_GATEWAY_PORT")}`;

export function operatorClients() {
  const token = readFileSync(join(env("STACK_RUN_DIR"), "secrets", "operator.token"), "utf8").trim();
  const bearer: Interceptor = (next) => (request) => {
    request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };
  const transport = createGrpcTransport({
    baseUrl: `http://127.0.0.1:${env("STACK_OPERATOR_GATEWAY_PORT")}`,
    interceptors: [bearer],
  });
  return {
    identity: createClient(IdentityService, transport),
    rights: createClient(RightsService, transport),
    registration: createClient(RegistrationService, transport),
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const randomInt = (from: number, to: number) => from + Math.floor(Math.random() * (to - from + 1));

// A valid INSZ of someone born 1950-1999 (check = 97 - first nine digits mod 97).
export function newInsz(): string {
  const first9 =
    `${pad(randomInt(50, 99), 2)}${pad(randomInt(1, 12), 2)}${pad(randomInt(1, 28), 2)}` +
    pad(randomInt(1, 997), 3);
  return first9 + pad(97 - (Number(first9) % 97), 2);
}

export const newInstitutionNumber = () => String(randomInt(100000, 999999));

export interface SinkMail {
  file: string;
  to: string;
  subject: string;
  text: string;
}

async function readMail(file: string): Promise<SinkMail> {
  const raw = readFileSync(file);
  const to = /^X-Sink-Rcpt-To: *(.*)$/im.exec(raw.toString("latin1"))?.[1]?.trim() ?? "";
  const parsed = await PostalMime.parse(raw);
  return { file, to, subject: parsed.subject ?? "", text: parsed.text ?? "" };
}

// Waits for a mail to `to` that `matches`, one not seen in `seen` (file names), as the notify
// relay delivers within seconds.
export async function waitForMail(
  to: string,
  matches: (mail: SinkMail) => boolean,
  timeoutMs = 20_000,
): Promise<SinkMail> {
  const dir = env("STACK_MAIL_DIR");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith(".eml"))
      .sort()) {
      const mail = await readMail(join(dir, name));
      if (mail.to.includes(to) && matches(mail)) return mail;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
