//! Events: identity publishes `user.registered` (for the first administrator too),
//! `user.role_changed` and `user.deleted` (payloads in `contracts::events::identity`), each in
//! the transaction of its change (`app::accounts`, `app::admin`). It consumes none: every other
//! service learns who is who from these, and verifies tokens itself.
