-- Sessions a person can end (ARCHITECTURE.md §11 "Sessions"), and demo accounts that stay shut
-- outside a demo.
--
-- seeded_by_demo / disabled_reason: the account was made by the demo seed (DEMO=1); start-up without DEMO=1
-- disables every such account, whatever an earlier run seeded. Rows seeded before this column
-- existed are recognised by the demo seed's fixed ids.
-- tokens_valid_after / kept_token_id: a password change revokes every token issued before it
-- except the one the change was made with (one cheap comparison in the token check).
-- must_change_password: set by an administrator's reset or a patient's new sign-in; the one-time
-- password then only buys a token that may choose a new password.
ALTER TABLE users ADD COLUMN seeded_by_demo boolean NOT NULL DEFAULT false;
-- 'demo_off' when start-up without DEMO=1 disabled the account (DEMO=1 enables it again); an
-- administrator's disable leaves it null and is never undone by a start-up.
ALTER TABLE users ADD COLUMN disabled_reason text;
ALTER TABLE users ADD COLUMN tokens_valid_after timestamptz;
ALTER TABLE users ADD COLUMN kept_token_id text;
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
UPDATE users SET seeded_by_demo = true WHERE id IN ('demo-nurse', 'demo-homecare', 'demo-admin', 'demo-borger1', 'demo-borger6');

-- Tokens ended by POST /api/auth/logout before their expiry. A row is needed only until the token
-- would have expired anyway: rows past expires_at are pruned.
CREATE TABLE revoked_tokens (
  jti         text PRIMARY KEY,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX revoked_tokens_expiry_idx ON revoked_tokens (expires_at);
