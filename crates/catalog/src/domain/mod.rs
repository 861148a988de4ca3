//! The catalog's rules, pure and unit-tested: ISBNs, and what each kind of product is.

pub mod isbn;
pub mod product;
