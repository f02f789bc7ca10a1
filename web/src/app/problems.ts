// What went wrong, in words for the person at the screen: the service's Dutch message
// (google.rpc.LocalizedMessage) when it has one, the machine reason (ErrorInfo) for the code that
// decides what to show, and the field violations (BadRequest) to put next to their fields.
import { Code, ConnectError } from "@connectrpc/connect";

import {
  BadRequestSchema,
  ErrorInfoSchema,
  LocalizedMessageSchema,
} from "../gen/google/rpc/error_details_pb.js";

export interface Problem {
  code: Code;
  message: string;
  reason: string;
  metadata: Record<string, string>;
  fields: Record<string, string>; // field path -> what is wrong there
}

const GENERIC: Partial<Record<Code, string>> = {
  [Code.Unavailable]: "De dienst is even niet bereikbaar. Probeer het zo dadelijk opnieuw.",
  [Code.DeadlineExceeded]: "Dit duurde te lang. Probeer het opnieuw.",
  [Code.PermissionDenied]: "U heeft hiervoor niet de nodige rechten.",
  [Code.Unauthenticated]: "Uw sessie is verlopen. Meld u opnieuw aan.",
  [Code.Internal]: "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
};

export function problemOf(error: unknown): Problem {
  const e = ConnectError.from(error);
  const localized = e.findDetails(LocalizedMessageSchema).find((m) => m.locale.startsWith("nl"));
  const info = e.findDetails(ErrorInfoSchema)[0];
  const fields: Record<string, string> = {};
  for (const bad of e.findDetails(BadRequestSchema)) {
    for (const violation of bad.fieldViolations) {
      fields[violation.field] ??= violation.description;
    }
  }
  return {
    code: e.code,
    message: localized?.message || GENERIC[e.code] || e.rawMessage,
    reason: info?.reason ?? "",
    metadata: info ? { ...info.metadata } : {},
    fields,
  };
}
