//! The envelope every event travels in: CloudEvents 1.0 in its JSON format, with the request
//! that caused the event as the extension attribute `requestid`, so that a trace crosses
//! services through the broker as it does through HTTP.

use anyhow::Context;
use contracts::events::Event;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The CloudEvents version this envelope follows.
pub const SPEC_VERSION: &str = "1.0";

/// One event, as stored in outboxes and inboxes and sent over the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Always `1.0`.
    pub specversion: String,
    /// Unique per event (UUIDv7): what consumers deduplicate on.
    pub id: Uuid,
    /// Who published it: `/tienda/<service>`.
    pub source: String,
    /// What happened, versioned: `tienda.identity.user.registered.v1`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it happened.
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    /// The id of what it is about; events about one subject keep their order.
    pub subject: String,
    /// Always `application/json`.
    pub datacontenttype: String,
    /// The request that caused it, if a request did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requestid: Option<String>,
    /// The payload, as the type's contract says.
    pub data: serde_json::Value,
}

impl Envelope {
    /// Wraps `event`, published by `service`, caused by the request `request_id`.
    pub fn wrap<E: Event>(
        service: &str,
        event: &E,
        request_id: Option<String>,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            specversion: SPEC_VERSION.into(),
            id: Uuid::now_v7(),
            source: format!("/tienda/{service}"),
            kind: E::TYPE.into(),
            time: crate::time::now(),
            subject: event.subject(),
            datacontenttype: "application/json".into(),
            requestid: request_id,
            data: serde_json::to_value(event).context("event payload does not serialise")?,
        })
    }

    /// Reads an envelope from its JSON form, refusing what is not a CloudEvents 1.0 event.
    pub fn from_json(bytes: &[u8]) -> anyhow::Result<Self> {
        let envelope: Self = serde_json::from_slice(bytes).context("not an event envelope")?;
        anyhow::ensure!(
            envelope.specversion == SPEC_VERSION,
            "unsupported CloudEvents version {:?}",
            envelope.specversion
        );
        anyhow::ensure!(
            !envelope.kind.is_empty() && !envelope.subject.is_empty(),
            "an event needs a type and a subject"
        );
        Ok(envelope)
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        // A struct of strings, a UUID, a time and a JSON value always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The payload as the type `E` it claims to be.
    pub fn payload<E: Event>(&self) -> anyhow::Result<E> {
        anyhow::ensure!(
            self.kind == E::TYPE,
            "expected {}, got {}",
            E::TYPE,
            self.kind
        );
        serde_json::from_value(self.data.clone())
            .with_context(|| format!("the payload of {} does not match its contract", self.kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use contracts::events::identity::UserDeleted;

    #[test]
    fn an_envelope_survives_its_json_form() -> anyhow::Result<()> {
        let event = UserDeleted {
            user_id: Uuid::now_v7(),
        };
        let envelope = Envelope::wrap("identity", &event, Some("req-1".into()))?;
        let json = envelope.to_json();
        assert!(json.contains(r#""type":"tienda.identity.user.deleted.v1""#));
        assert!(json.contains(r#""specversion":"1.0""#));
        let back = Envelope::from_json(json.as_bytes())?;
        assert_eq!(back, envelope);
        assert_eq!(back.payload::<UserDeleted>()?, event);
        assert_eq!(back.subject, event.user_id.to_string());
        Ok(())
    }

    #[test]
    fn what_is_not_a_cloudevent_is_refused() {
        assert!(Envelope::from_json(b"not json").is_err());
        assert!(Envelope::from_json(br#"{"specversion":"0.3"}"#).is_err());
        let mut envelope = match Envelope::wrap(
            "x",
            &UserDeleted {
                user_id: Uuid::nil(),
            },
            None,
        ) {
            Ok(envelope) => envelope,
            Err(error) => panic!("{error}"),
        };
        envelope.specversion = "0.3".into();
        assert!(Envelope::from_json(envelope.to_json().as_bytes()).is_err());
    }

    #[test]
    fn a_payload_is_read_only_as_its_own_type() -> anyhow::Result<()> {
        use contracts::events::identity::UserRegistered;
        let envelope = Envelope::wrap(
            "identity",
            &UserDeleted {
                user_id: Uuid::nil(),
            },
            None,
        )?;
        assert!(envelope.payload::<UserRegistered>().is_err());
        Ok(())
    }
}
