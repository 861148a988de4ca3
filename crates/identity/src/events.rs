//! Events: identity publishes `user.registered` (for the first administrator too),
//! `user.role_changed`, `user.deleted` and `sessions.revoked` (payloads in
//! `contracts::events::identity`), each in the transaction of its change (`app::accounts`,
//! `app::admin`, `app::sessions`). It consumes none: every other
//! service learns who is who from these, and verifies tokens itself.
