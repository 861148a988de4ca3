//! Auto-close, the reopen window, and SLA breaches, with a hand-set clock.

use contracts::auth::Role;
use platform::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

backend_test! {
    async fn a_reply_within_the_window_reopens_and_after_it_does_not(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        let customer = app.user(Role::Customer);
        let id = text(&app.open(&customer).await["id"]);
        app.status(&agent, &id, "resolved").await;
        app.clock.advance(time::Duration::days(6));
        app.reply(&customer, &id, "Still broken", false).await;
        assert_eq!(app.incident(&agent, &id).await["status"], "open");
        app.status(&agent, &id, "resolved").await;
        app.clock.advance(time::Duration::days(7) + time::Duration::minutes(1));
        assert_eq!(app.reply(&customer, &id, "Thanks!", false).await.status(), StatusCode::CREATED);
        assert_eq!(app.incident(&agent, &id).await["status"], "resolved", "outside the window a reply does not reopen");
    }
}

backend_test! {
    async fn resolved_incidents_close_by_themselves_after_the_configured_time(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        let customer = app.user(Role::Customer);
        let old = text(&app.open(&customer).await["id"]);
        let recent = text(&app.open(&customer).await["id"]);
        app.status(&agent, &old, "resolved").await;
        app.clock.advance(time::Duration::days(5));
        app.status(&agent, &recent, "resolved").await;
        app.clock.advance(time::Duration::days(2) + time::Duration::minutes(1));
        assert_eq!(support::app::timers::close_resolved(&app.state).await.ok(), Some(1));
        assert_eq!(app.incident(&agent, &old).await["status"], "closed");
        assert_eq!(app.incident(&agent, &recent).await["status"], "resolved");
        let history = json_body(app.get(&agent, &format!("/incidents/{old}/history")).await).await;
        let last = history.as_array().and_then(|h| h.last()).cloned().unwrap_or_default();
        assert_eq!(last["author_role"], "system");
    }
}

backend_test! {
    async fn a_breach_is_recorded_once_and_pending_pauses_the_clock(backend) {
        let app = spawn_app(backend).await;
        let agent = app.agent().await;
        let customer = app.user(Role::Customer);
        let late = text(&app.open(&customer).await["id"]);
        let waiting = text(&app.open(&customer).await["id"]);
        app.reply(&agent, &waiting, "Can you send a photo?", false).await;
        app.status(&agent, &waiting, "pending").await;
        // Normal priority: 8 h to first response, 24×7 by default.
        app.clock.advance(time::Duration::hours(9));
        assert_eq!(support::app::timers::sweep_sla(&app.state).await.ok(), Some(1));
        assert_eq!(support::app::timers::sweep_sla(&app.state).await.ok(), Some(0), "recorded once");
        let shown = app.incident(&agent, &late).await;
        assert_eq!(shown["sla"]["first_response"]["breached"], true);
        let breached = json_body(app.get(&agent, "/incidents?sla=breached").await).await;
        let ids: Vec<String> = breached["items"].as_array().into_iter().flatten().map(|i| text(&i["id"])).collect();
        assert_eq!(ids, std::slice::from_ref(&late));
        let ids_of = |page: serde_json::Value| -> Vec<String> { page["items"].as_array().into_iter().flatten().map(|i| text(&i["id"])).collect() };
        // Waiting (paused) is on track; the late one is not.
        assert_eq!(ids_of(json_body(app.get(&agent, "/incidents?sla=on_track").await).await), std::slice::from_ref(&waiting));
        let summary = json_body(app.get(&agent, "/queue-summary").await).await;
        assert_eq!((summary["breached"].as_i64(), summary["at_risk"].as_i64(), summary["on_track"].as_i64()), (Some(1), Some(0), Some(1)), "{summary}");
        assert_problem(app.get(&customer, "/queue-summary").await, StatusCode::FORBIDDEN).await;
        let done = text(&app.open(&customer).await["id"]);
        app.status(&agent, &done, "resolved").await;
        let active = ids_of(json_body(app.get(&agent, "/incidents?active=true").await).await);
        assert!(active.contains(&late) && active.contains(&waiting) && !active.contains(&done), "{active:?}");
        app.post(&agent, &format!("/incidents/{late}/claim"), &json!({})).await;
        let unassigned = ids_of(json_body(app.get(&agent, "/incidents?unassigned=true&active=true").await).await);
        assert!(!unassigned.contains(&late), "{unassigned:?}");
        assert_problem(app.get(&agent, "/incidents?sla=soonish").await, StatusCode::UNPROCESSABLE_ENTITY).await;
        // Staff may ask for one account's; a customer sees only its own whatever it asks.
        let other = app.user(Role::Customer);
        let theirs = text(&app.open(&other).await["id"]);
        let by_requester = ids_of(json_body(app.get(&agent, &format!("/incidents?requester={}", other.id)).await).await);
        assert_eq!(by_requester, std::slice::from_ref(&theirs));
        let own = ids_of(json_body(app.get(&customer, &format!("/incidents?requester={}", other.id)).await).await);
        assert!(!own.contains(&theirs) && own.contains(&late), "{own:?}");
        let opened = app.incident(&agent, &theirs).await;
        let email = text(&opened["requester_email"]).to_uppercase();
        let by_email = ids_of(json_body(app.get(&agent, &format!("/incidents?email={email}")).await).await);
        assert_eq!(by_email, std::slice::from_ref(&theirs));
        let history = json_body(app.get(&agent, &format!("/incidents/{late}/history")).await).await;
        assert_eq!(history.as_array().map(|h| h.iter().filter(|e| e["kind"] == "sla_breached").count()), Some(1));
        let paused = app.incident(&agent, &waiting).await;
        assert_eq!(paused["sla"]["resolution"]["paused"], true);
        assert_eq!(paused["sla"]["resolution"]["elapsed_secs"], 0);
        assert_eq!(paused["sla"]["first_response"]["met"], true);
    }
}
