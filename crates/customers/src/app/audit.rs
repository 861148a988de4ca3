//! The audit trail's entries: who changed what on a record, as `{field: {from, to}}`.

use platform::auth::Caller;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::domain::customer::format_date;
use crate::store::{AuditEntry, Customer};

/// The audit snapshot of a record's personal fields.
pub(crate) fn snapshot(customer: &Customer) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("given_name".into(), json!(customer.given_name));
    fields.insert("family_name".into(), json!(customer.family_name));
    fields.insert("email".into(), json!(customer.email));
    fields.insert("phone".into(), json!(customer.phone));
    fields.insert(
        "birth_date".into(),
        json!(customer.birth_date.map(format_date)),
    );
    fields.insert("addresses".into(), json!(customer.addresses));
    fields.insert("status".into(), json!(customer.status.as_str()));
    fields.insert("user_id".into(), json!(customer.user_id));
    fields
}

/// `{field: {from, to}}` for every field that differs.
pub(crate) fn diff(before: &Customer, after: &Customer) -> Map<String, Value> {
    let (before, after) = (snapshot(before), snapshot(after));
    after
        .into_iter()
        .filter(|(field, value)| before.get(field) != Some(value))
        .map(|(field, value)| {
            let from = before.get(&field).cloned().unwrap_or(Value::Null);
            (field, json!({ "from": from, "to": value }))
        })
        .collect()
}

/// An audit entry by `actor` (or the system).
pub fn audit(
    customer_id: Uuid,
    actor: Option<&Caller>,
    action: &str,
    changes: Value,
) -> AuditEntry {
    AuditEntry {
        id: Uuid::now_v7(),
        customer_id,
        actor_id: actor.map(|caller| caller.user_id),
        actor_role: actor.map(|caller| caller.role.as_str().to_owned()),
        action: action.to_owned(),
        changes,
        at: platform::time::now(),
    }
}
