//! The back office: each part shown by role (403 otherwise), the support desk, orders, a
//! seller's products and stock.

use platform::backend_test;
use reqwest::{Method, StatusCode};

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, Page, last_segment, spawn_shop};

/// The id in the first link to `prefix` inside the table row that says `text`.
fn row_link(page: &Page, prefix: &str, text: &str) -> String {
    let row = page
        .html
        .split("<tr")
        .find(|row| row.contains(text))
        .unwrap_or_else(|| panic!("no row says {text}:\n{}", page.html));
    row.split(prefix)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no link to {prefix} in the row of {text}"))
        .to_owned()
}

backend_test! {
    async fn each_part_of_the_back_office_is_shown_to_its_roles_only(backend) {
        let shop = spawn_shop(backend).await;
        let nobody = shop.visitor();
        let away = nobody.get("/admin/incidents").await;
        assert_eq!(away.status, StatusCode::SEE_OTHER);
        assert!(away.location().starts_with("/login?next="), "{}", away.location());

        let (customer, ..) = shop.person("Ana Pérez", "customer").await;
        let (seller, ..) = shop.person("Libros Sol", "seller").await;
        let (agent, ..) = shop.person("Irene Agent", "agent").await;
        let admin = shop.administrator().await;
        let parts = [
            "/admin/incidents", "/admin/orders", "/admin/products", "/admin/products/new", "/admin/customers",
            "/admin/dashboard", "/admin/users", "/admin/delivery-options", "/admin/dead-letters", "/admin/categories",
        ];
        let allowed: [(&crate::support::Visitor, &str, [bool; 10]); 4] = [
            (&customer, "customer", [false, false, false, false, false, false, false, false, false, false]),
            (&seller, "seller", [false, false, true, true, false, false, false, false, false, false]),
            (&agent, "agent", [true, true, false, false, true, true, false, false, false, false]),
            (&admin, "admin", [true, true, true, true, true, true, true, true, true, true]),
        ];
        for (who, role, expected) in allowed {
            for (path, allowed) in parts.iter().zip(expected) {
                let page = who.get(path).await;
                let status = if allowed { StatusCode::OK } else { StatusCode::FORBIDDEN };
                assert_eq!(page.status, status, "{role} on {path}");
            }
            let home = who.get("/").await;
            assert_eq!(home.says("Back office"), role != "customer", "{role}'s header");
        }
        assert_eq!(seller.get("/admin").await.location(), "/admin/products");
        assert_eq!(agent.get("/admin").await.location(), "/admin/dashboard");
        assert_eq!(customer.get("/admin").await.status, StatusCode::FORBIDDEN);
        // The menu offers only the parts of the role.
        let page = seller.get("/admin/products").await;
        assert!(!page.html.contains("href=\"/admin/incidents\""), "a seller's menu");
        let page = agent.get("/admin/incidents").await;
        assert!(page.html.contains("href=\"/admin/orders\"") && !page.html.contains("href=\"/admin/products\""));
        // A form of another part is refused too, before it reaches a service.
        let csrf = customer.csrf().await;
        let posted = customer.post("/admin/products", &csrf, &[("kind", "book"), ("name", "Mine")]).await;
        assert_eq!(posted.status, StatusCode::FORBIDDEN);
    }
}

backend_test! {
    async fn an_agent_takes_an_incident_writes_a_note_and_a_reply_and_resolves_it(backend) {
        let shop = spawn_shop(backend).await;
        let (customer, ..) = shop.person("Ana Pérez", "customer").await;
        let form = customer.get("/account/incidents/new").await;
        let opened = customer.post("/account/incidents", &form.csrf(), &[
            ("key", &form.field("key").unwrap_or_default()),
            ("category", "other"),
            ("subject", "My parcel is wet"),
            ("description", "The box arrived soaked."),
        ]).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.html);
        let id = last_segment(&opened.location());

        let (agent, ..) = shop.person("Irene Agent", "agent").await;
        let queue = agent.get("/admin/incidents").await;
        assert_eq!(queue.status, StatusCode::OK);
        queue.assert_says("My parcel is wet");
        queue.assert_says("Ana Pérez");
        queue.assert_says(" left");
        assert_eq!(row_link(&queue, "/admin/incidents/", "My parcel is wet"), id);
        // Filters: not among the resolved, nor among another agent's.
        let resolved = agent.get("/admin/incidents?status=resolved").await;
        assert!(!resolved.says("My parcel is wet"));
        let mine = agent.get("/admin/incidents?assignee=mine").await;
        assert!(!mine.says("My parcel is wet"), "nobody has taken it yet");
        let breached = agent.get("/admin/incidents?sla=breached").await;
        assert!(!breached.says("My parcel is wet"));
        let on_track = agent.get("/admin/incidents?sla=on_track&priority=normal").await;
        on_track.assert_says("My parcel is wet");
        // A made-up filter is ignored; a forged cursor starts again.
        assert_eq!(agent.get("/admin/incidents?status=nonsense&sla=x").await.status, StatusCode::OK);
        assert_eq!(agent.get("/admin/incidents?cursor=forged").await.status, StatusCode::SEE_OTHER);

        let csrf = queue.csrf();
        let claimed = agent.post(&format!("/admin/incidents/{id}/claim"), &csrf, &[("next", "/admin/incidents?assignee=mine")]).await;
        assert_eq!(claimed.location(), "/admin/incidents?assignee=mine");
        let mine = agent.get("/admin/incidents?assignee=mine").await;
        mine.assert_says("My parcel is wet");

        let page = agent.get(&format!("/admin/incidents/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_says("The box arrived soaked.");
        page.assert_says("Ana Pérez");
        for to in ["open", "pending", "on_hold", "resolved"] {
            assert!(page.html.contains(&format!("name=\"to\" value=\"{to}\"")), "move to {to}");
        }
        assert!(!page.html.contains("name=\"to\" value=\"closed\""), "not from new");

        let path = format!("/admin/incidents/{id}/comments");
        let note = agent.post(&path, &csrf, &[("kind", "note"), ("body", "Courier's fault, claim with them.")]).await;
        assert_eq!(note.status, StatusCode::SEE_OTHER);
        let reply = agent.post(&path, &csrf, &[("kind", "reply"), ("body", "We are sending a new one today.")]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        let empty = agent.post(&path, &csrf, &[("kind", "reply"), ("body", "   ")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.html.contains("aria-invalid=\"true\""));
        let odd = agent.post(&path, &csrf, &[("kind", "shout"), ("body", "Hello")]).await;
        assert_eq!(odd.status, StatusCode::BAD_REQUEST);

        let page = agent.get(&format!("/admin/incidents/{id}")).await;
        page.assert_says("Internal note");
        page.assert_says("Courier's fault, claim with them.");
        page.assert_says("We are sending a new one today.");

        // A move the table does not allow is explained, not made.
        let status = format!("/admin/incidents/{id}/status");
        let refused = agent.post(&status, &csrf, &[("to", "closed")]).await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER);
        let page = agent.get(&format!("/admin/incidents/{id}")).await;
        assert!(page.html.contains("class=\"flash\""), "the refusal is told");
        assert_eq!(agent.post(&status, &csrf, &[("to", "sideways")]).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(agent.post(&status, &csrf, &[("to", "resolved")]).await.status, StatusCode::SEE_OTHER);
        let page = agent.get(&format!("/admin/incidents/{id}")).await;
        page.assert_says("Status changed.");
        assert!(page.html.contains("name=\"to\" value=\"closed\""), "resolved may close");

        let seen = customer.get(&format!("/account/incidents/{id}")).await;
        seen.assert_says("We are sending a new one today.");
        assert!(!seen.says("Courier's fault"), "the note stays inside:\n{}", seen.html);
        seen.assert_says("Status: Resolved");

        // Priority and assignee, with the version read: a stale form is explained.
        let assignment = format!("/admin/incidents/{id}/assignment");
        let stale = agent.post(&assignment, &csrf, &[("version", "1"), ("priority", "urgent"), ("assignee", "")]).await;
        assert_eq!(stale.status, StatusCode::SEE_OTHER);
        agent.get(&format!("/admin/incidents/{id}")).await.assert_says("changed this incident meanwhile");
        let page = agent.get(&format!("/admin/incidents/{id}")).await;
        let version = page.field("version").unwrap_or_default();
        let saved = agent.post(&assignment, &csrf, &[("version", &version), ("priority", "urgent"), ("assignee", "")]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        let page = agent.get(&format!("/admin/incidents/{id}")).await;
        page.assert_says("Saved.");
        page.assert_says("Urgent");
        assert_eq!(agent.post(&assignment, &csrf, &[("version", &version), ("priority", "whenever")]).await.status, StatusCode::BAD_REQUEST);
        // Not a page of the desk for the customer, whatever the form.
        let csrf = customer.csrf().await;
        assert_eq!(customer.post(&path, &csrf, &[("kind", "note"), ("body", "x")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(customer.get(&format!("/admin/incidents/{id}")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(agent.get("/admin/incidents/not-an-id").await.status, StatusCode::NOT_FOUND);
        assert_eq!(agent.get(&format!("/admin/incidents/{}", uuid::Uuid::now_v7())).await.status, StatusCode::NOT_FOUND);
    }
}

backend_test! {
    async fn incidents_of_one_customer_merge_at_the_desk(backend) {
        let shop = spawn_shop(backend).await;
        let (customer, ..) = shop.person("Ana Pérez", "customer").await;
        let mut ids = Vec::new();
        for subject in ["First message", "Same problem again"] {
            let form = customer.get("/account/incidents/new").await;
            let opened = customer.post("/account/incidents", &form.csrf(), &[
                ("key", &form.field("key").unwrap_or_default()),
                ("category", "other"),
                ("subject", subject),
                ("description", "It broke."),
            ]).await;
            ids.push(last_segment(&opened.location()));
        }
        let admin = shop.administrator().await;
        let page = admin.get(&format!("/admin/incidents/{}", ids[1])).await;
        assert!(page.html.contains(&format!("<option value=\"{}\">First message</option>", ids[0])), "{}", page.html);
        let merged = admin.post(&format!("/admin/incidents/{}/merge", ids[1]), &page.csrf(), &[("into", &ids[0])]).await;
        assert_eq!(merged.location(), format!("/admin/incidents/{}", ids[0]));
        let old = admin.get(&format!("/admin/incidents/{}", ids[1])).await;
        old.assert_says("Merged");
        assert!(!old.html.contains("name=\"body\""), "a merged incident takes no reply");
        let again = admin.post(&format!("/admin/incidents/{}/merge", ids[1]), &page.csrf(), &[("into", &ids[0])]).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "refused, and told");
        assert_eq!(admin.post(&format!("/admin/incidents/{}/merge", ids[1]), &page.csrf(), &[("into", "nope")]).await.status, StatusCode::BAD_REQUEST);
    }
}

backend_test! {
    async fn staff_ship_a_paid_order_and_the_customer_sees_the_tracking(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("quixote").await;
        let (customer, _, customer_id) = shop.person("Ana Pérez", "customer").await;
        customer.add_to_cart(&book, "1").await;
        let order = last_segment(&customer.checkout("4242 4242 4242 4242").await.location());
        customer.add_to_cart(&book, "1").await;
        let other = last_segment(&customer.checkout("4242 4242 4242 4242").await.location());

        let (agent, ..) = shop.person("Irene Agent", "agent").await;
        let list = agent.get("/admin/orders").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.html.contains(&format!("/admin/orders/{order}")));
        let paid = agent.get(&format!("/admin/orders?status=paid&customer={customer_id}")).await;
        assert!(paid.html.contains(&format!("/admin/orders/{order}")) && paid.html.contains(&format!("/admin/orders/{other}")));
        let today = time::OffsetDateTime::now_utc().date();
        let dated = agent.get(&format!("/admin/orders?from={today}&until={today}")).await;
        assert!(dated.html.contains(&format!("/admin/orders/{order}")));
        let later = agent.get(&format!("/admin/orders?from={}", today + time::Duration::DAY)).await;
        assert!(!later.html.contains(&format!("/admin/orders/{order}")));
        let junk = agent.get("/admin/orders?from=last+week").await;
        assert_eq!(junk.status, StatusCode::OK);
        assert!(junk.html.contains("id=\"o-day-error\""), "a day that is not one is said so");
        let shipped = agent.get("/admin/orders?status=shipped").await;
        assert!(!shipped.html.contains(&format!("/admin/orders/{order}")));
        for path in ["/admin/orders?cursor=forged", "/account/orders?cursor=forged"] {
            assert_eq!(agent.get(path).await.status, StatusCode::SEE_OTHER, "{path}");
        }
        let bad = agent.get("/admin/orders?customer=someone").await;
        assert_eq!(bad.status, StatusCode::OK);
        assert!(bad.html.contains("aria-invalid=\"true\""), "a customer that is not an id is said so");

        let page = agent.get(&format!("/admin/orders/{order}")).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_says("Paid");
        assert!(page.html.contains("name=\"tracking_number\""));
        let csrf = page.csrf();
        let ship = format!("/admin/orders/{order}/shipment");
        let missing = agent.post(&ship, &csrf, &[("carrier", "Correos"), ("tracking_number", " ")]).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(missing.html.contains("aria-invalid=\"true\""), "{}", missing.html);
        let done = agent.post(&ship, &csrf, &[("carrier", "Correos"), ("tracking_number", "PQ123456789ES")]).await;
        assert_eq!(done.location(), format!("/admin/orders/{order}"));
        let twice = agent.post(&ship, &csrf, &[("carrier", "Correos"), ("tracking_number", "PQ123456789ES")]).await;
        assert_eq!(twice.status, StatusCode::SEE_OTHER, "refused, and told");
        customer.get(&format!("/account/orders/{order}")).await.assert_says("PQ123456789ES");

        let page = agent.get(&format!("/admin/orders/{order}")).await;
        assert!(!page.html.contains("name=\"tracking_number\""), "shipped once");
        let delivered = agent.post(&format!("/admin/orders/{order}/delivered"), &csrf, &[]).await;
        assert_eq!(delivered.status, StatusCode::SEE_OTHER);
        agent.get(&format!("/admin/orders/{order}")).await.assert_says("Delivered");

        let cancelled = agent.post(&format!("/admin/orders/{other}/cancel"), &csrf, &[]).await;
        assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
        agent.get(&format!("/admin/orders/{other}")).await.assert_says("payment is refunded");
        let admin = shop.api_login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let (_, body) = shop.api(Method::GET, &admin, &format!("/api/orders/{other}"), None).await;
        assert_eq!(body["status"], "refunded");

        let (seller, ..) = shop.person("Libros Sol", "seller").await;
        assert_eq!(seller.get(&format!("/admin/orders/{order}")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(seller.post(&format!("/admin/orders/{other}/cancel"), &seller.csrf().await, &[]).await.status, StatusCode::FORBIDDEN);
    }
}

backend_test! {
    async fn a_seller_lists_a_book_adjusts_its_stock_and_sees_only_its_own(backend) {
        let shop = spawn_shop(backend).await;
        let (seller, ..) = shop.person("Libros Sol", "seller").await;
        let form = seller.get("/admin/products/new").await;
        assert_eq!(form.status, StatusCode::OK);
        let category = form
            .html
            .split("<option value=\"")
            .nth(2)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned();
        let csrf = form.csrf();
        let book = |price: &'static str, isbn: &'static str| {
            vec![
                ("kind", "book"), ("name", "Poemas del mar"), ("description", "Verses."),
                ("price", price), ("currency", "EUR"), ("stock", "2"), ("tags", "poetry, sea"),
                ("author", "Rosalía Castro"), ("isbn", isbn), ("year", "1880"),
            ]
        };
        let mut fields = book("abc", "9780306406157");
        fields.push(("category", category.as_str()));
        let wrong = seller.post("/admin/products", &csrf, &fields).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.html.contains("value=\"Poemas del mar\""), "the form keeps what was typed");
        let mut fields = book("12,50", "12345");
        fields.push(("category", category.as_str()));
        let bad_isbn = seller.post("/admin/products", &csrf, &fields).await;
        assert_eq!(bad_isbn.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_isbn.html.contains("id=\"p-isbn-error\""), "the catalog's word is beside the field:\n{}", bad_isbn.html);
        let mut fields = book("12,50", "9780306406157");
        fields.push(("category", category.as_str()));
        let listed = seller.post("/admin/products", &csrf, &fields).await;
        assert_eq!(listed.status, StatusCode::SEE_OTHER, "{}", listed.html);
        let product = last_segment(&listed.location());

        let page = seller.get(&format!("/admin/products/{product}")).await;
        page.assert_says("Poemas del mar");
        page.assert_says("€12.50");
        let stock = format!("/admin/products/{product}/stock");
        let added = seller.post(&stock, &csrf, &[("delta", "+5"), ("reason", "Delivery from the printer")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER);
        let page = seller.get(&format!("/admin/products/{product}")).await;
        page.assert_says("it is now 7");
        page.assert_says("Delivery from the printer");
        for (delta, reason) in [("zero", "x"), ("0", "x"), ("-100", "too many"), ("3", "")] {
            let refused = seller.post(&stock, &csrf, &[("delta", delta), ("reason", reason)]).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{delta} {reason}");
            assert!(refused.html.contains("class=\"field-error\""), "{delta}: {}", refused.html);
        }
        // The details change with the version read; the stock stays.
        let edit = seller.get(&format!("/admin/products/{product}/edit")).await;
        assert_eq!(edit.status, StatusCode::OK);
        assert_eq!(edit.field("name").as_deref(), Some("Poemas del mar"));
        assert_eq!(edit.field("isbn").as_deref(), Some("9780306406157"));
        assert!(!edit.html.contains("name=\"kind\"") && !edit.html.contains("name=\"stock\""));
        let version = edit.field("version").unwrap_or_default();
        fn changed<'a>(version: &'a str, isbn: &'a str, category: &'a str) -> Vec<(&'a str, &'a str)> {
            vec![
                ("version", version), ("name", "Poemas del mar, nueva edición"), ("description", "Verses."),
                ("price", "14"), ("currency", "EUR"), ("tags", "poetry"), ("author", "Rosalía de Castro"),
                ("isbn", isbn), ("year", "1880"), ("category", category),
            ]
        }
        let fields = changed(&version, "12345", &category);
        let wrong = seller.post(&format!("/admin/products/{product}/edit"), &csrf, &fields).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.html.contains("id=\"p-isbn-error\""));
        let fields = changed(&version, "9780306406157", &category);
        let saved = seller.post(&format!("/admin/products/{product}/edit"), &csrf, &fields).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let page = seller.get(&format!("/admin/products/{product}")).await;
        page.assert_says("Poemas del mar, nueva edición");
        page.assert_says("€14.00");
        page.assert_says("7");
        let stale = seller.post(&format!("/admin/products/{product}/edit"), &csrf, &fields).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
        stale.assert_says("changed this product meanwhile");
        assert_eq!(stale.field("name").as_deref(), Some("Poemas del mar, nueva edición"), "as it is now");

        let shown = shop.visitor().get(&format!("/products/{product}")).await;
        shown.assert_says("Poemas del mar");
        shown.assert_says("In stock (7)");
        let mine = seller.get("/admin/products").await;
        mine.assert_says("Poemas del mar");
        assert!(!mine.says("Quixote"), "the shop's own products are not a seller's");

        let (rival, ..) = shop.person("Otra Librería", "seller").await;
        assert!(!rival.get("/admin/products").await.says("Poemas del mar"));
        assert_eq!(rival.get(&format!("/admin/products/{product}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(rival.get(&format!("/admin/products/{product}/edit")).await.status, StatusCode::NOT_FOUND);
        let csrf = rival.csrf().await;
        assert_eq!(rival.post(&stock, &csrf, &[("delta", "-7"), ("reason", "mine now")]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(rival.post(&format!("/admin/products/{product}/archive"), &csrf, &[]).await.status, StatusCode::NOT_FOUND);

        let admin = shop.administrator().await;
        admin.get(&format!("/admin/products/{product}")).await.assert_says("Delivery from the printer");
        let archived = seller.post(&format!("/admin/products/{product}/archive"), &seller.csrf().await, &[]).await;
        assert_eq!(archived.status, StatusCode::SEE_OTHER);
        let page = seller.get(&format!("/admin/products/{product}")).await;
        page.assert_says("no longer sold");
        assert!(!page.html.contains("name=\"delta\""));
    }
}

backend_test! {
    async fn an_agent_keeps_a_customer_record_and_only_an_administrator_erases_it(backend) {
        let shop = spawn_shop(backend).await;
        let admin_token = shop.api_login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let email = platform::testing::unique_email();
        let (status, record) = shop.api(Method::POST, &admin_token, "/api/customers", Some(serde_json::json!({
            "given_name": "Lucía", "family_name": "Gómez", "email": email, "phone": "+34 600 000 001"
        }))).await;
        assert_eq!(status, StatusCode::CREATED, "{record}");
        let id = record["id"].as_str().unwrap_or_default().to_owned();
        let (customer, ..) = shop.person("Ana Pérez", "customer").await;
        let (seller, ..) = shop.person("Libros Sol", "seller").await;
        for who in [&customer, &seller] {
            assert_eq!(who.get("/admin/customers").await.status, StatusCode::FORBIDDEN);
            assert_eq!(who.get(&format!("/admin/customers/{id}")).await.status, StatusCode::FORBIDDEN);
        }

        let (agent, ..) = shop.person("Irene Agent", "agent").await;
        for q in ["lucía", "600000001", email.as_str()] {
            let found = agent.get(&format!("/admin/customers?q={}", q.replace(' ', "+"))).await;
            assert_eq!(found.status, StatusCode::OK);
            assert_eq!(row_link(&found, "/admin/customers/", "Gómez"), id, "by {q}");
        }
        let page = agent.get(&format!("/admin/customers/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let version = page.field("version").unwrap_or_default();
        assert!(!page.html.contains("name=\"confirm\""), "only administrators erase");
        let csrf = page.csrf();
        let path = format!("/admin/customers/{id}");
        let fields = |version: &str, email: &str| -> Vec<(String, String)> {
            [("version", version), ("given_name", "Lucía"), ("family_name", "Gómez Ruiz"), ("email", email), ("phone", ""), ("birth_date", "1990-04-01")]
                .iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        let send = |fields: Vec<(String, String)>| {
            let agent = &agent;
            let csrf = csrf.clone();
            let path = path.clone();
            async move {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                agent.post(&path, &csrf, &fields).await
            }
        };
        let bad = send(fields(&version, "not an email")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.html.contains("id=\"r-email-error\""), "{}", bad.html);
        assert!(bad.html.contains("value=\"Gómez Ruiz\""), "what was typed stays");
        let saved = send(fields(&version, &email)).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        let stale = send(fields(&version, &email)).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
        stale.assert_says("changed this record meanwhile");
        let page = agent.get(&path).await;
        page.assert_says("Gómez Ruiz");
        assert!(!page.says("+34 600 000 001"), "the phone was cleared");

        let added = agent.post(&format!("{path}/services"), &csrf, &[("name", "Fibre 600"), ("plan", "Home"), ("started_on", "2026-01-15")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER);
        let page = agent.get(&path).await;
        page.assert_says("Fibre 600");
        let service = page.html.split(&format!("action=\"{path}/services/")).nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_default().to_owned();
        let moved = agent.post(&format!("{path}/services/{service}"), &csrf, &[("status", "suspended")]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER);
        agent.get(&path).await.assert_says("Suspended");
        assert_eq!(agent.post(&format!("{path}/services/{service}"), &csrf, &[("status", "gone")]).await.status, StatusCode::BAD_REQUEST);
        let no_date = agent.post(&format!("{path}/services"), &csrf, &[("name", "TV"), ("started_on", "yesterday")]).await;
        assert_eq!(no_date.status, StatusCode::SEE_OTHER);
        agent.get(&path).await.assert_says("started_on");
        let page = agent.get(&path).await;
        page.assert_says("updated");

        let export = agent.get(&format!("{path}/export")).await;
        assert_eq!(export.status, StatusCode::OK);
        assert!(export.headers["content-disposition"].to_str().unwrap_or_default().contains("attachment"));
        assert!(export.html.contains("Fibre 600"));

        assert_eq!(agent.post(&format!("{path}/erase"), &csrf, &[("confirm", email.as_str())]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(agent.post(&format!("{path}/delete"), &csrf, &[]).await.status, StatusCode::SEE_OTHER);
        assert!(!agent.get("/admin/customers?q=Gómez").await.says("Gómez Ruiz"), "deleted records hide");
        assert!(!agent.get("/admin/customers?q=Gómez&deleted=1").await.says("Gómez Ruiz"), "from agents too");

        let admin = shop.administrator().await;
        admin.get("/admin/customers?q=G%C3%B3mez&deleted=1").await.assert_says("Gómez Ruiz");
        let csrf = admin.csrf().await;
        assert_eq!(admin.post(&format!("{path}/restore"), &csrf, &[]).await.status, StatusCode::SEE_OTHER);
        admin.get(&path).await.assert_says("Restored.");
        let page = admin.get(&path).await;
        assert!(page.html.contains("name=\"confirm\""));
        let csrf = page.csrf();
        let wrong = admin.post(&format!("{path}/erase"), &csrf, &[("confirm", "someone@else.test")]).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        wrong.assert_says("Gómez Ruiz");
        let erased = admin.post(&format!("{path}/erase"), &csrf, &[("confirm", &email.to_uppercase())]).await;
        assert_eq!(erased.status, StatusCode::SEE_OTHER);
        let page = admin.get(&path).await;
        page.assert_says("Erased");
        assert!(!page.says("Gómez Ruiz"), "no name left");
    }
}

backend_test! {
    async fn the_dashboard_counts_the_day_the_queue_and_the_dead_letters(backend) {
        let shop = spawn_shop(backend).await;
        let book = shop.product_id("quixote").await;
        let (customer, ..) = shop.person("Ana Pérez", "customer").await;
        customer.add_to_cart(&book, "1").await;
        assert_eq!(customer.checkout("4242 4242 4242 4242").await.status, StatusCode::SEE_OTHER);
        let form = customer.get("/account/incidents/new").await;
        customer.post("/account/incidents", &form.csrf(), &[
            ("key", &form.field("key").unwrap_or_default()),
            ("category", "other"), ("subject", "Hello"), ("description", "A question."),
        ]).await;

        let (agent, ..) = shop.person("Irene Agent", "agent").await;
        let page = agent.get("/admin/dashboard").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html.contains("<span class=\"figure\">1</span> orders paid today"), "{}", page.html);
        assert!(page.html.contains("<svg class=\"chart\""));
        assert_eq!(page.html.matches("<rect class=\"bar\"").count(), 7, "a bar a day");
        page.assert_says("On track: 1");
        page.assert_says("Breached: 0");
        page.assert_says("Unassigned: 1");
        assert!(!page.says("Dead letters"), "administrators only");
        let admin = shop.administrator().await;
        admin.get("/admin/dashboard").await.assert_says("No event is waiting.");
        assert_eq!(admin.get("/admin").await.location(), "/admin/dashboard");
    }
}

backend_test! {
    async fn an_administrator_manages_roles_delivery_options_and_dead_letters(backend) {
        let shop = spawn_shop(backend).await;
        let (_, email, id) = shop.person("Ana Pérez", "customer").await;
        let (agent, ..) = shop.person("Irene Agent", "agent").await;
        let admin = shop.administrator().await;
        let people = admin.get("/admin/users").await;
        assert_eq!(people.status, StatusCode::OK);
        people.assert_says(&email);
        let agents = admin.get("/admin/users?role=agent").await;
        agents.assert_says("Irene Agent");
        assert!(!agents.says(&email));
        let csrf = people.csrf();
        let role = format!("/admin/users/{id}/role");
        assert_eq!(admin.post(&role, &csrf, &[("role", "emperor")]).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(admin.post(&role, &csrf, &[("role", "seller")]).await.status, StatusCode::SEE_OTHER);
        admin.get("/admin/users?role=seller").await.assert_says(&email);
        assert_eq!(agent.post(&role, &agent.csrf().await, &[("role", "admin")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(admin.post(&format!("/admin/users/{id}/delete"), &csrf, &[]).await.status, StatusCode::SEE_OTHER);
        assert!(!admin.get("/admin/users").await.says(&email), "deleted");
        let gone = admin.post(&format!("/admin/users/{id}/delete"), &csrf, &[]).await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER, "told, not an error page");

        let options = admin.get("/admin/delivery-options").await;
        assert_eq!(options.status, StatusCode::OK);
        let add = |price: &'static str| vec![
            ("name", "Bicycle courier"), ("carrier", "Pedal"), ("price", price), ("currency", "EUR"),
            ("estimated_days", "0"), ("active", "1"),
        ];
        let wrong = admin.post("/admin/delivery-options", &csrf, &add("cheap")).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.html.contains("id=\"n-price-error\""));
        assert_eq!(admin.post("/admin/delivery-options", &csrf, &add("3,50")).await.status, StatusCode::SEE_OTHER);
        let (_, offered) = shop.api(Method::GET, &shop.api_login(ADMIN_EMAIL, ADMIN_PASSWORD).await, "/api/orders/delivery-options", None).await;
        let option = offered.as_array().into_iter().flatten().find(|o| o["name"] == "Bicycle courier").cloned().unwrap_or_default();
        assert_eq!(option["price"]["amount"], 350);
        let option_id = option["id"].as_str().unwrap_or_default().to_owned();
        let saved = admin.post(&format!("/admin/delivery-options/{option_id}"), &csrf, &[("price", "4.00"), ("currency", "EUR"), ("estimated_days", "1")]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        let (_, offered) = shop.api(Method::GET, &shop.api_login(ADMIN_EMAIL, ADMIN_PASSWORD).await, "/api/orders/delivery-options", None).await;
        assert!(offered.as_array().into_iter().flatten().all(|o| o["name"] != "Bicycle courier"), "no longer offered");
        let page = admin.get("/admin/delivery-options").await;
        page.assert_says("Not offered");
        assert!(page.html.contains("value=\"4.00\""));

        let letters = admin.get("/admin/dead-letters").await;
        assert_eq!(letters.status, StatusCode::OK);
        letters.assert_says("No event is waiting.");
        let missing = admin.post(&format!("/admin/dead-letters/support/{}/replay", uuid::Uuid::now_v7()), &csrf, &[]).await;
        assert_eq!(missing.status, StatusCode::SEE_OTHER);
        assert_eq!(admin.post(&format!("/admin/dead-letters/billing/{}/replay", uuid::Uuid::now_v7()), &csrf, &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(agent.get("/admin/dead-letters").await.status, StatusCode::FORBIDDEN);
    }
}

backend_test! {
    async fn an_administrator_shapes_the_category_tree_and_removes_a_review(backend) {
        let shop = spawn_shop(backend).await;
        let admin = shop.administrator().await;
        let (seller, ..) = shop.person("Libros Sol", "seller").await;
        assert_eq!(seller.get("/admin/categories").await.status, StatusCode::FORBIDDEN);
        let page = admin.get("/admin/categories").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = page.csrf();
        assert_eq!(admin.post("/admin/categories", &csrf, &[("name", "Poetry"), ("parent", "")]).await.status, StatusCode::SEE_OTHER);
        let page = admin.get("/admin/categories").await;
        page.assert_says("Category made.");
        let poetry = row_link(&page, "action=\"/admin/categories/", "value=\"Poetry\"");
        assert_eq!(admin.post("/admin/categories", &csrf, &[("name", "Sonnets"), ("parent", &poetry)]).await.status, StatusCode::SEE_OTHER);
        let page = admin.get("/admin/categories").await;
        assert!(page.html.contains("— </span>"), "a child is indented");
        let sonnets = row_link(&page, "action=\"/admin/categories/", "value=\"Sonnets\"");
        // Not inside itself; not deleted while it holds a category.
        admin.post(&format!("/admin/categories/{poetry}"), &csrf, &[("parent", &sonnets)]).await;
        assert!(admin.get("/admin/categories").await.html.contains("class=\"flash\""));
        admin.post(&format!("/admin/categories/{poetry}/delete"), &csrf, &[]).await;
        admin.get("/admin/categories").await.assert_says("Poetry");
        admin.post(&format!("/admin/categories/{sonnets}"), &csrf, &[("name", "Sonnets and odes")]).await;
        admin.post(&format!("/admin/categories/{sonnets}"), &csrf, &[("parent", "")]).await;
        let page = admin.get("/admin/categories").await;
        page.assert_says("Category changed.");
        assert!(page.html.contains("value=\"Sonnets and odes\""));
        assert_eq!(admin.post(&format!("/admin/categories/{poetry}/delete"), &csrf, &[]).await.status, StatusCode::SEE_OTHER);
        let page = admin.get("/admin/categories").await;
        page.assert_says("Category deleted.");
        assert!(!page.html.contains("value=\"Poetry\""));
        assert_eq!(admin.post(&format!("/admin/categories/{sonnets}"), &csrf, &[("parent", "nowhere")]).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(admin.post(&format!("/admin/categories/{sonnets}"), &csrf, &[]).await.status, StatusCode::BAD_REQUEST);

        // A review, removed by an administrator from the product's page.
        let book = shop.product_id("quixote").await;
        let (_, email, _) = shop.person("Ana Pérez", "customer").await;
        let token = shop.api_login(&email, crate::support::PASSWORD).await;
        let (status, review) = shop.api(Method::POST, &token, &format!("/api/catalog/products/{book}/reviews"), Some(serde_json::json!({"rating": 1, "comment": "Spam spam spam"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{review}");
        let review = review["id"].as_str().unwrap_or_default().to_owned();
        let page = admin.get(&format!("/admin/products/{book}")).await;
        page.assert_says("Spam spam spam");
        let delete = format!("/admin/products/{book}/reviews/{review}/delete");
        assert_eq!(admin.post(&delete, &csrf, &[]).await.status, StatusCode::SEE_OTHER);
        let page = admin.get(&format!("/admin/products/{book}")).await;
        page.assert_says("Review deleted.");
        assert!(!page.says("Spam spam spam"));
        assert_eq!(admin.post(&delete, &csrf, &[]).await.status, StatusCode::SEE_OTHER, "told it is gone");
        assert_eq!(seller.post(&delete, &seller.csrf().await, &[]).await.status, StatusCode::FORBIDDEN);
    }
}
