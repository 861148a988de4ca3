//! The catalog's rules, pure and unit-tested: money, ISBNs, and what each kind of product is.

pub mod isbn;
pub mod money;
pub mod product;
