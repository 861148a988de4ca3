//! The support service: incidents from opened to resolved, agents, SLA, under `/api/support`.

pub mod domain;
