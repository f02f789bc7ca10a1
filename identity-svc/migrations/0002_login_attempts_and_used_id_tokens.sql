-- Logins started on the server (StartLogin): the nonce sent to the identity provider is bound to
-- a login id only the front end knows, and a login completes once.
CREATE TABLE login_attempts (
  id_hash CHAR(64) NOT NULL PRIMARY KEY,        -- SHA-256 of the login id (the id is a secret)
  nonce VARCHAR(64) NOT NULL,
  expire_time TIMESTAMP(6) NOT NULL,
  complete_time TIMESTAMP(6) NULL,              -- set by the one ExchangeIdToken that used it
  KEY login_attempts_expiry (expire_time)
) ENGINE=InnoDB;

-- Every ID token that opened a session, until it expires: an ID token is accepted once.
CREATE TABLE used_id_tokens (
  token_hash CHAR(64) NOT NULL PRIMARY KEY,     -- SHA-256 of the token's signed part
  session_id CHAR(32) NOT NULL,
  expire_time TIMESTAMP(6) NOT NULL,            -- the token's exp plus the allowed clock skew
  KEY used_id_tokens_expiry (expire_time)
) ENGINE=InnoDB;
