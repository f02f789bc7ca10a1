#pragma once
// A message a business change announces (common/outbox.h stores and relays it), as plain data so
// domain code can build one without knowing where or how it is stored.

#include <string>

namespace wse {

struct OutboxMessage {
  std::string kind;     // What the payload is, e.g. "mail" (a serialized SendMailRequest).
  std::string payload;  // Opaque bytes.
  // The W3C traceparent of the request that announced it, for a message appended by another
  // thread (a group-commit writer); empty: the appending thread's current trace.
  std::string traceparent = std::string();
};

}  // namespace wse
