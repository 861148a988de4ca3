//! An incident's classification: priority, category and what it relates to.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How urgent an incident is; sets its SLA targets.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Whenever there is time.
    Low,
    /// The default.
    Normal,
    /// Soon.
    High,
    /// Now.
    Urgent,
}

/// What an incident is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A product.
    Product,
    /// An order.
    Order,
    /// Billing and payments.
    Billing,
    /// A contracted service.
    Service,
    /// Anything else.
    Other,
}

/// What kind of thing an incident relates to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelatedKind {
    /// A catalog product.
    Product,
    /// An order.
    Order,
    /// A contracted service.
    Service,
}

/// The thing an incident relates to, by id in its own service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Related {
    /// Its kind.
    pub kind: RelatedKind,
    /// Its id (a UUID).
    pub id: uuid::Uuid,
}

macro_rules! stored_names {
    ($type:ty { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $type {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),* }
            }

            /// Parses a stored name.
            pub fn parse(text: &str) -> anyhow::Result<Self> {
                match text {
                    $($name => Ok(Self::$variant),)*
                    other => anyhow::bail!("bad stored value `{other}`"),
                }
            }
        }
    };
}

stored_names!(Priority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" });
stored_names!(Category { Product => "product", Order => "order", Billing => "billing", Service => "service", Other => "other" });
stored_names!(RelatedKind { Product => "product", Order => "order", Service => "service" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() -> anyhow::Result<()> {
        for priority in [
            Priority::Low,
            Priority::Normal,
            Priority::High,
            Priority::Urgent,
        ] {
            assert_eq!(Priority::parse(priority.as_str())?, priority);
        }
        assert!(Category::parse("complaint").is_err());
        assert!(Priority::Urgent > Priority::High && Priority::Low < Priority::Normal);
        Ok(())
    }
}
