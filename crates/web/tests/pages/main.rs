//! The website through HTTP, as a browser without JavaScript sees it, on both backends: every
//! page's status, key content and form fields; CSRF; another customer's things are 404 pages.

#[path = "../support/mod.rs"]
mod support;

mod account;
mod admin;
mod catalog;
mod checkout;
mod incidents;
mod security;
