#include "identity-svc/domain/session_manager.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "identity-svc/domain/email_address.h"
#include "openssl/rand.h"
#include "openssl/sha.h"

namespace wse::identity {
namespace {

absl::Status SessionEnded(std::string reason, std::string message) {
  return ErrorBuilder(absl::StatusCode::kUnauthenticated, std::move(message))
      .Reason(std::move(reason))
      .Dutch("Uw sessie is beëindigd. Meld u opnieuw aan met uw digitale sleutel.");
}

// 256 random bits, base64url: refresh tokens, login ids and nonces.
std::string NewSecret() {
  unsigned char bytes[32];
  RAND_bytes(bytes, sizeof(bytes));
  std::string token;
  absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<const char*>(bytes), 32), &token);
  return token;
}

std::string NewRefreshToken() { return NewSecret(); }

}  // namespace

std::string HashToken(absl::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), SHA256_DIGEST_LENGTH));
}

SessionManager::SessionManager(DirectoryRepository& directory, SessionRepository& sessions,
                               const TokenSigner& signer, const IdTokenVerifier& id_tokens,
                               std::vector<MembershipSource*> membership, SessionPolicy policy,
                               std::function<absl::Time()> clock)
    : directory_(directory),
      sessions_(sessions),
      signer_(signer),
      id_tokens_(id_tokens),
      membership_(std::move(membership)),
      policy_(std::move(policy)),
      clock_(std::move(clock)),
      select_writer_(std::make_unique<GroupCommitter<ContextSwitch, SessionRecord>>(
          GroupCommitOptions{"select"}, [this](const std::vector<const ContextSwitch*>& switches) {
            return sessions_.SwitchContexts(switches);
          })) {}

SessionManager::~SessionManager() = default;

AuditEntry SessionManager::Audit(const SessionRecord& session, std::string action,
                                 std::string target) {
  return AuditEntry{"persons/" + session.person_id,
                    session.id,
                    session.key_type,
                    std::move(action),
                    std::move(target),
                    ""};
}

absl::StatusOr<AccessToken> SessionManager::Mint(const SessionRecord& session, absl::Time now) {
  const absl::Time expire = std::min(now + policy_.access_token_ttl, session.expire_time);
  nlohmann::json claims = {
      {"iss", policy_.issuer},
      {"aud", policy_.audience},
      {"sub", session.person_id},
      {"sid", session.id},
      {"acr", absl::AsciiStrToLower(session.key_type)},
      {"iat", absl::ToUnixSeconds(now)},
      {"exp", absl::ToUnixSeconds(expire)},
      {"jti", RandomId()},
  };
  if (session.current_organization_id) {
    claims["org"] = "organizations/" + *session.current_organization_id;
  }
  ASSIGN_OR_RETURN(auto token, signer_.Sign(claims));
  return AccessToken{std::move(token), absl::FromUnixSeconds(absl::ToUnixSeconds(expire))};
}

absl::StatusOr<StartedLogin> SessionManager::StartLogin() {
  StartedLogin started{NewSecret(), NewSecret(), clock_() + policy_.login_ttl};
  if (auto s =
          sessions_.StartLogin({HashToken(started.login_id), started.nonce, started.expire_time});
      !s.ok()) {
    return s;
  }
  return started;
}

absl::Status SessionManager::CheckNonce(const LoginIdentity& identity, absl::string_view nonce,
                                        absl::string_view login_id, absl::Time now) {
  if (!nonce.empty() && identity.nonce != nonce) {
    return LoginRefused("TOKEN_NONCE_MISMATCH", "the ID token was issued for another login");
  }
  std::string bound_nonce;
  if (!login_id.empty()) {
    auto completed = sessions_.CompleteLogin(HashToken(login_id), now);
    if (absl::IsNotFound(completed.status())) {
      return LoginRefused("LOGIN_UNKNOWN",
                          "the login id is unknown, has expired or was used; start a new login");
    }
    if (!completed.ok()) return completed.status();
    bound_nonce = *std::move(completed);
  }
  if (identity.nonce.empty() && bound_nonce.empty()) {
    if (!policy_.require_login_nonce) return absl::OkStatus();
    return LoginRefused("TOKEN_NONCE_MISSING",
                        "the ID token carries no nonce; start the login with StartLogin");
  }
  if (bound_nonce.empty()) {
    // The nonce is visible in the token: without the login id only the front end holds, a
    // token stolen on its way would open a session for whoever copied it.
    return ErrorBuilder(absl::StatusCode::kInvalidArgument,
                        "the ID token answers a login started with a nonce; present its login id")
        .Violation("login_id", "is required for an ID token that carries a nonce")
        .Reason("LOGIN_ID_REQUIRED")
        .Dutch("Aanmelden is niet gelukt. Meld u opnieuw aan met uw digitale sleutel.");
  }
  if (identity.nonce != bound_nonce) {
    return LoginRefused("TOKEN_NONCE_MISMATCH", "the ID token was issued for another login");
  }
  return absl::OkStatus();
}

absl::StatusOr<IssuedSession> SessionManager::Login(absl::string_view id_token,
                                                    absl::string_view nonce,
                                                    absl::string_view login_id,
                                                    const RequestContext& /*call*/) {
  ASSIGN_OR_RETURN(auto identity, id_tokens_.Verify(id_token));
  const absl::Time now = clock_();
  RETURN_IF_ERROR(CheckNonce(identity, nonce, login_id, now));

  PersonRecord person;
  auto known = directory_.FindPersonByInsz(identity.insz.digits);
  if (known.ok()) {
    person = *std::move(known);
    const EmailAddress stored{person.email_address, person.email_source};
    const EmailAddress claimed{identity.email_address, kEmailFromIdp};
    if (!identity.email_address.empty() && !(MergeEmail(stored, claimed) == stored)) {
      // The provider knows an address where we knew none, or a newer one of its own. Merged
      // under the row's lock (a concurrent import may have changed the row since it was read);
      // a failure costs the address, not the login.
      const std::string name = "persons/" + person.id;
      auto merged = directory_.MergePersonEmail(
          person.id, claimed,
          {name, "", identity.key_type, "EMAIL_ADDRESS_FROM_ID_TOKEN", name, ""});
      if (merged.ok()) {
        person = *std::move(merged);
      } else {
        LogWarn("the identity provider's e-mail address was not stored",
                {{"error", merged.status().message()}});
      }
    }
  } else if (absl::IsNotFound(known.status())) {
    PersonRecord first_seen;
    first_seen.id = RandomId();
    first_seen.insz = identity.insz.digits;
    first_seen.given_name = identity.given_name;
    first_seen.family_name = identity.family_name;
    first_seen.email_address = identity.email_address;
    if (!first_seen.email_address.empty()) first_seen.email_source = kEmailFromIdp;
    first_seen.source = "LOGIN";
    RETURN_IF_ERROR(directory_
                        .UpsertPerson(first_seen,
                                      {"persons/" + first_seen.id, "", identity.key_type,
                                       "FIRST_LOGIN", "persons/" + first_seen.id, ""},
                                      &person)
                        .status());
  } else {
    return known.status();
  }

  IssuedSession issued;
  issued.person = person;
  SessionRecord& session = issued.session;
  session.id = RandomId();
  session.person_id = person.id;
  session.key_type = identity.key_type;
  session.assurance_level = identity.assurance_level;
  session.acr = identity.acr;
  session.create_time = now;
  session.expire_time = now + policy_.session_lifetime;
  issued.refresh_token = NewRefreshToken();
  session.refresh_token_hash = HashToken(issued.refresh_token);
  session.refresh_expire_time = std::min(now + policy_.refresh_token_ttl, session.expire_time);
  issued.refresh_expire_time = session.refresh_expire_time;
  if (auto s = sessions_.Create(session, {identity.replay_hash, identity.usable_until},
                                Audit(session, "LOGIN", "sessions/" + session.id));
      !s.ok()) {
    if (!absl::IsAlreadyExists(s)) return s;
    // Someone presents a token that already opened a session: whoever holds it copied it
    // (a log, a proxy, a browser history), or a client retried a login that succeeded.
    // No session was opened: the event names the person only.
    (void)sessions_.RecordEvent({"persons/" + person.id, "", session.key_type,
                                 "ID_TOKEN_REPLAY_REFUSED", "persons/" + person.id, ""});
    return LoginRefused("ID_TOKEN_REPLAYED",
                        "this ID token was used before; log in again at the identity provider");
  }
  ASSIGN_OR_RETURN(auto access, Mint(session, now));
  issued.access = std::move(access);
  return issued;
}

absl::Status SessionManager::CheckLive(const SessionRecord& session, absl::Time now) {
  if (session.revoke_time.has_value() || session.expire_time <= now) {
    return SessionEnded("SESSION_ENDED", "the session has ended");
  }
  return absl::OkStatus();
}

absl::StatusOr<SessionRecord> SessionManager::LiveSession(const std::string& session_id,
                                                          absl::Time now) {
  auto session = sessions_.Find(session_id);
  if (absl::IsNotFound(session.status())) {
    return SessionEnded("SESSION_ENDED", "the session does not exist");
  }
  if (!session.ok()) return session.status();
  RETURN_IF_ERROR(CheckLive(*session, now));
  return session;
}

absl::StatusOr<std::vector<ActingBasis>> SessionManager::MayActFor(
    const PersonRecord& person, const std::string& organization_id, const OrganizationRecord* known,
    const RequestContext& call) {
  ASSIGN_OR_RETURN(auto memberships,
                   CollectMemberships(membership_, person, organization_id, known, call));
  auto it = memberships.find(organization_id);
  if (it == memberships.end()) return std::vector<ActingBasis>();
  return it->second;
}

absl::StatusOr<bool> SessionManager::ActsFor(const Caller& caller,
                                             const std::string& organization_id,
                                             const RequestContext& call) {
  if (caller.organization == "organizations/" + organization_id) return true;
  ASSIGN_OR_RETURN(auto person, directory_.FindPersonById(caller.person_id));
  ASSIGN_OR_RETURN(auto bases, MayActFor(person, organization_id, nullptr, call));
  return !bases.empty();
}

absl::StatusOr<std::vector<ActingContextEntry>> SessionManager::ActingContexts(
    const Caller& caller, const RequestContext& call) {
  ASSIGN_OR_RETURN(auto session, LiveSession(caller.session_id, clock_()));
  ASSIGN_OR_RETURN(auto person, directory_.FindPersonById(session.person_id));
  ASSIGN_OR_RETURN(auto memberships, CollectMemberships(membership_, person, "", nullptr, call));

  std::vector<ActingContextEntry> organizations;
  for (const auto& [organization_id, bases] : memberships) {
    auto organization = directory_.FindOrganizationById(organization_id);
    if (absl::IsNotFound(organization.status())) continue;  // Known elsewhere, not here yet.
    if (!organization.ok()) return organization.status();
    organizations.push_back({*std::move(organization), bases});
  }
  std::sort(organizations.begin(), organizations.end(), [](const auto& a, const auto& b) {
    return a.organization->display_name < b.organization->display_name;
  });
  std::vector<ActingContextEntry> out = {{std::nullopt, {}}};
  out.insert(out.end(), organizations.begin(), organizations.end());
  return out;
}

absl::StatusOr<IssuedSession> SessionManager::Select(
    const Caller& caller, const std::optional<std::string>& organization_id,
    const RequestContext& call) {
  const absl::Time now = clock_();
  ASSIGN_OR_RETURN(auto person, directory_.FindPersonById(caller.person_id));
  std::vector<ActingBasis> bases;
  std::optional<OrganizationRecord> organization;
  if (organization_id.has_value()) {
    // Read once: the legal-representation check and the answer both use it. An organisation
    // unknown here is refused like any other the person is no member of (no existence oracle).
    auto found = directory_.FindOrganizationById(*organization_id);
    if (found.ok()) {
      organization = *std::move(found);
    } else if (!absl::IsNotFound(found.status())) {
      return found.status();
    }
    ASSIGN_OR_RETURN(
        bases, MayActFor(person, *organization_id, organization ? &*organization : nullptr, call));
    if (bases.empty()) {
      // An ended session says so first: logging in again is what the caller must do then.
      RETURN_IF_ERROR(LiveSession(caller.session_id, now).status());
      return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                          "you may not act for this organisation")
          .Reason("NOT_A_MEMBER", {{"organization", "organizations/" + *organization_id}})
          .Dutch(
              "U kunt niet aanmelden voor deze organisatie. Vraag uw lokale beheerder om u "
              "toe te voegen. Weet u niet wie dat is? Contacteer de 1700 infolijn en vraag "
              "naar het team gebruikersbeheer.");
    }
    // A member by rights-svc's records of an organisation the directory does not hold (yet):
    // nothing to act for here, and nothing is switched.
    if (!organization.has_value()) return absl::NotFoundError("organization not found");
  }
  const std::string action = organization_id ? "SELECT_ORGANIZATION" : "SELECT_PERSONAL";
  const std::string target =
      organization_id ? "organizations/" + *organization_id : "persons/" + person.id;
  const ContextSwitch change{
      caller.session_id, organization_id,
      [&caller, now](const SessionRecord& session) -> absl::Status {
        // The token names the session's person; anything else is not this caller's session.
        if (session.person_id != caller.person_id) {
          return SessionEnded("SESSION_ENDED", "the session does not exist");
        }
        return CheckLive(session, now);
      },
      [&action, &target](const SessionRecord& session) { return Audit(session, action, target); }};
  auto session = select_writer_->Submit(change, call);
  if (absl::IsNotFound(session.status())) {
    return SessionEnded("SESSION_ENDED", "the session does not exist");
  }
  if (!session.ok()) return session.status();
  ASSIGN_OR_RETURN(auto access, Mint(*session, now));
  IssuedSession issued;
  issued.session = *std::move(session);
  issued.person = std::move(person);
  issued.access = std::move(access);
  issued.refresh_expire_time = now;
  issued.bases = std::move(bases);
  issued.organization = std::move(organization);
  return issued;
}

absl::StatusOr<IssuedSession> SessionManager::Refresh(absl::string_view refresh_token,
                                                      const RequestContext& call) {
  const absl::Time now = clock_();
  bool replayed = false;
  auto found = sessions_.FindByRefreshHash(HashToken(refresh_token), &replayed);
  if (absl::IsNotFound(found.status())) {
    return SessionEnded("REFRESH_TOKEN_INVALID", "the refresh token is not valid");
  }
  if (!found.ok()) return found.status();
  if (replayed) {
    // A used refresh token came back: whoever holds the current one may be an attacker.
    // Not "ended" unless it is: when the revocation fails the caller gets that error, and a
    // retry with the same token finds the replay again.
    RETURN_IF_ERROR(sessions_.Revoke(found->id, now, Audit(*found, "REFRESH_TOKEN_REUSED", "")));
    return SessionEnded("REFRESH_TOKEN_REUSED",
                        "the refresh token was already used; the session has been ended");
  }
  ASSIGN_OR_RETURN(auto session, LiveSession(found->id, now));
  if (session.refresh_expire_time <= now) {
    return SessionEnded("REFRESH_TOKEN_EXPIRED", "the refresh token has expired");
  }
  ASSIGN_OR_RETURN(auto person, directory_.FindPersonById(session.person_id));
  // The organisation context survives a refresh only while the person may still act for it.
  if (session.current_organization_id) {
    ASSIGN_OR_RETURN(auto allowed,
                     MayActFor(person, *session.current_organization_id, nullptr, call));
    if (allowed.empty()) {
      session.current_organization_id.reset();
      RETURN_IF_ERROR(sessions_.SetCurrentOrganization(session.id, std::nullopt,
                                                       Audit(session, "CONTEXT_LOST", "")));
    }
  }
  IssuedSession issued;
  issued.refresh_token = NewRefreshToken();
  issued.refresh_expire_time = std::min(now + policy_.refresh_token_ttl, session.expire_time);
  // Compare-and-set on the token presented, not on the session as read just now: a concurrent
  // refresh with the same token may have rotated it in between, and then this one must lose.
  if (auto s = sessions_.RotateRefresh(session.id, HashToken(refresh_token),
                                       HashToken(issued.refresh_token), issued.refresh_expire_time,
                                       Audit(session, "REFRESH", "sessions/" + session.id));
      !s.ok()) {
    if (absl::IsAborted(s)) {
      return SessionEnded("REFRESH_TOKEN_REUSED", "the refresh token was already used");
    }
    return s;
  }
  session.refresh_token_hash = HashToken(issued.refresh_token);
  session.refresh_expire_time = issued.refresh_expire_time;
  ASSIGN_OR_RETURN(auto access, Mint(session, now));
  issued.session = std::move(session);
  issued.person = std::move(person);
  issued.access = std::move(access);
  return issued;
}

absl::Status SessionManager::Logout(const Caller& caller, const std::string& session_id) {
  if (session_id != caller.session_id) {
    // Only your own session; do not reveal whether another one exists.
    return absl::NotFoundError("no such session");
  }
  ASSIGN_OR_RETURN(auto session, sessions_.Find(session_id));
  return sessions_.Revoke(session_id, clock_(), Audit(session, "LOGOUT", "sessions/" + session_id));
}

absl::StatusOr<IssuedSession> SessionManager::Current(const Caller& caller) {
  ASSIGN_OR_RETURN(auto session, LiveSession(caller.session_id, clock_()));
  ASSIGN_OR_RETURN(auto person, directory_.FindPersonById(session.person_id));
  IssuedSession out;
  out.session = std::move(session);
  out.person = std::move(person);
  return out;
}

}  // namespace wse::identity
