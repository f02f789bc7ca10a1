#pragma once
// Login, acting contexts and tokens: the heart of identity-svc (steps 1-3 of the portal flow:
// log in with a digital key, pick the school or organisation, land in its context).
//
// Sessions are server-side; the access token is a short-lived ES256 JWT naming the person
// (opaque id), the session, the digital key and, once selected, the organisation. Refresh tokens
// are random, stored only as SHA-256, rotated at every use; replaying a used one ends the
// session (it was stolen or copied). Membership is checked live at every list, select and
// refresh, so a removed right takes effect without waiting for a token to expire.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/group_commit.h"
#include "common/request_context.h"
#include "common/token_verifier.h"
#include "identity-svc/domain/id_token_verifier.h"
#include "identity-svc/domain/key_ring.h"
#include "identity-svc/domain/membership.h"
#include "identity-svc/domain/store.h"

namespace wse::identity {

struct SessionPolicy {
  std::string issuer;    // `iss` of our access tokens.
  std::string audience;  // `aud` of our access tokens.
  // At most 15 minutes. Also the bound on how long the other services, which verify access
  // tokens without asking identity-svc, accept one of a session that ended (logout, refresh
  // token replay); identity-svc's own calls check the session at once.
  absl::Duration access_token_ttl = absl::Minutes(5);
  absl::Duration refresh_token_ttl = absl::Hours(2);
  absl::Duration session_lifetime = absl::Hours(12);  // Absolute; refresh never extends it.
  absl::Duration login_ttl = absl::Minutes(10);       // StartLogin to ExchangeIdToken.
  // Production: every login starts on the server (StartLogin), so every ID token must carry the
  // nonce of one. Off for tools that mint ID tokens without a login (the dev identity provider).
  bool require_login_nonce = false;
};

struct StartedLogin {
  std::string login_id;  // The front end's secret; only its hash is stored.
  std::string nonce;
  absl::Time expire_time;
};

struct AccessToken {
  std::string token;
  absl::Time expire_time;
};

struct IssuedSession {
  SessionRecord session;
  PersonRecord person;
  AccessToken access;
  std::string refresh_token;  // Empty when not (re)issued.
  absl::Time refresh_expire_time;
  // Select only: why the person may act for the selected organisation (empty when personal),
  // and that organisation as read for the check.
  std::vector<ActingBasis> bases;
  std::optional<OrganizationRecord> organization;
};

struct ActingContextEntry {
  std::optional<OrganizationRecord> organization;  // nullopt = the personal context.
  std::vector<ActingBasis> bases;
};

class SessionManager {
 public:
  SessionManager(DirectoryRepository& directory, SessionRepository& sessions,
                 const TokenSigner& signer, const IdTokenVerifier& id_tokens,
                 std::vector<MembershipSource*> membership, SessionPolicy policy,
                 std::function<absl::Time()> clock = absl::Now);
  ~SessionManager();
  SessionManager(const SessionManager&) = delete;
  SessionManager& operator=(const SessionManager&) = delete;

  // Starts a login: the nonce for the authorization request, bound to a fresh login id.
  absl::StatusOr<StartedLogin> StartLogin();

  // Verifies the provider's ID token and opens a session in the personal context. A known INSZ
  // attaches to its person; an unknown one gets a person record marked LOGIN. An ID token opens
  // one session (a replay is refused, reason ID_TOKEN_REPLAYED, and audited); a token carrying
  // a nonce needs `login_id`, the StartLogin that issued that nonce, unused and unexpired.
  // `nonce`, when given, must equal the token's (the client's own check).
  absl::StatusOr<IssuedSession> Login(absl::string_view id_token, absl::string_view nonce,
                                      absl::string_view login_id, const RequestContext& call);

  // Whether the caller may act for the organisation: it is their token's organisation (checked
  // when they selected it), or one of their memberships (asked live).
  absl::StatusOr<bool> ActsFor(const Caller& caller, const std::string& organization_id,
                               const RequestContext& call);

  // The personal context first, then every organisation the person may act for, by name.
  absl::StatusOr<std::vector<ActingContextEntry>> ActingContexts(const Caller& caller,
                                                                 const RequestContext& call);

  // Switches the session to `organization_id` (nullopt: personal) after a live membership check
  // (PERMISSION_DENIED, reason NOT_A_MEMBER, otherwise) and mints the matching access token.
  // The switch and its audit event commit before the token is minted, in one transaction with
  // the selects of other callers that queued meanwhile (the select writer, group_commit.h);
  // that transaction also finds the session live, under its row lock.
  absl::StatusOr<IssuedSession> Select(const Caller& caller,
                                       const std::optional<std::string>& organization_id,
                                       const RequestContext& call);

  absl::StatusOr<IssuedSession> Refresh(absl::string_view refresh_token,
                                        const RequestContext& call);
  absl::Status Logout(const Caller& caller, const std::string& session_id);
  absl::StatusOr<IssuedSession> Current(const Caller& caller);

 private:
  // The caller's session, if still live (UNAUTHENTICATED, reason SESSION_ENDED, otherwise).
  absl::StatusOr<SessionRecord> LiveSession(const std::string& session_id, absl::Time now);
  // The same decision on a session in hand.
  static absl::Status CheckLive(const SessionRecord& session, absl::Time now);
  absl::StatusOr<AccessToken> Mint(const SessionRecord& session, absl::Time now);
  // Whether the token's nonce is the one of its login (completing that login), see Login.
  absl::Status CheckNonce(const LoginIdentity& identity, absl::string_view nonce,
                          absl::string_view login_id, absl::Time now);
  // The bases on which `person` may act for the organisation; empty: they may not.
  // `known`: the organisation's record when already read (see MembershipSource).
  absl::StatusOr<std::vector<ActingBasis>> MayActFor(const PersonRecord& person,
                                                     const std::string& organization_id,
                                                     const OrganizationRecord* known,
                                                     const RequestContext& call);
  static AuditEntry Audit(const SessionRecord& session, std::string action, std::string target);

  DirectoryRepository& directory_;
  SessionRepository& sessions_;
  const TokenSigner& signer_;
  const IdTokenVerifier& id_tokens_;
  std::vector<MembershipSource*> membership_;
  SessionPolicy policy_;
  std::function<absl::Time()> clock_;
  // Last member: its writer thread calls into the members above until it is destroyed.
  std::unique_ptr<GroupCommitter<ContextSwitch, SessionRecord>> select_writer_;
};

// SHA-256 hex of a refresh token (what is stored).
std::string HashToken(absl::string_view token);

}  // namespace wse::identity
