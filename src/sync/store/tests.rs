use serde_json::{Value, json};

use super::*;
use crate::sync::record::Record;
use crate::sync::selection::{Column, Key, Order, Selection, Window};

const T: &str = "tenant-1";

fn alert(n: usize, severity: &str, host: &str) -> Value {
    json!({
        "id": format!("a{n:03}"),
        "title": format!("Alert {n}"),
        "severity": severity,
        "status": if n.is_multiple_of(2) { "new" } else { "resolved" },
        "serviceSource": "microsoftDefenderForEndpoint",
        "createdDateTime": format!("2026-12-01T10:{:02}:00Z", n % 60),
        "lastUpdateDateTime": "2026-12-02T00:00:00Z",
        "evidence": [
            {"deviceDnsName": host},
            {"ipAddress": format!("10.0.0.{n}")},
            {"fileDetails": {"sha256": format!("{n:064x}")}}
        ]
    })
}

async fn store_with(alerts: &[Value]) -> MirrorStore {
    let store = MirrorStore::sqlite(crate::db::in_memory().await.unwrap());
    let records: Vec<Record> = alerts.iter().filter_map(Record::alert).collect();
    store.put(T, Resource::Alerts, &records).await.unwrap();
    store
}

fn ids(bodies: &[String]) -> Vec<String> {
    bodies
        .iter()
        .map(|b| {
            serde_json::from_str::<Value>(b).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn pages_by_key_cover_every_item_once_in_severity_order() {
    let severities = ["low", "high", "medium", "informational"];
    let alerts: Vec<Value> = (0..23).map(|n| alert(n, severities[n % 4], "pc")).collect();
    let store = store_with(&alerts).await;
    let order = Order {
        column: Column::Severity,
        ascending: false,
    };
    let mut seen = Vec::new();
    let mut window = Window::First;
    let mut ranks = Vec::new();
    loop {
        let page = store
            .list(T, Resource::Alerts, &Selection::default(), order, window, 5)
            .await
            .unwrap();
        assert_eq!(page.total, 23);
        assert_eq!(page.before, seen.len() as u64);
        for body in &page.bodies {
            let v: Value = serde_json::from_str(body).unwrap();
            ranks.push(crate::sync::record::severity_rank(
                v["severity"].as_str().unwrap(),
            ));
        }
        seen.extend(ids(&page.bodies));
        if !page.has_next() {
            break;
        }
        window = Window::After(page.last.unwrap());
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 23, "every item once: {seen:?}");
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");

    // Back from the third page lands on the second.
    let second = store
        .list(
            T,
            Resource::Alerts,
            &Selection::default(),
            order,
            Window::After(Key::parse(&keys_after(&store, order, 5).await).unwrap()),
            5,
        )
        .await
        .unwrap();
    let third = store
        .list(
            T,
            Resource::Alerts,
            &Selection::default(),
            order,
            Window::After(second.last.unwrap()),
            5,
        )
        .await
        .unwrap();
    let back = store
        .list(
            T,
            Resource::Alerts,
            &Selection::default(),
            order,
            Window::Before(third.first.unwrap()),
            5,
        )
        .await
        .unwrap();
    assert_eq!(ids(&back.bodies), ids(&second.bodies));
    assert_eq!(back.before, 5);
}

async fn keys_after(store: &MirrorStore, order: Order, n: u32) -> String {
    let page = store
        .list(
            T,
            Resource::Alerts,
            &Selection::default(),
            order,
            Window::First,
            n,
        )
        .await
        .unwrap();
    page.last.unwrap().token()
}

#[tokio::test]
async fn search_finds_parts_of_hosts_addresses_and_hashes_without_case() {
    let store = store_with(&[
        alert(1, "high", "PC-MEGAN.contoso.com"),
        alert(2, "low", "srv-files.contoso.com"),
    ])
    .await;
    let find = |selection: Selection| {
        let store = store.clone();
        async move {
            let page = store
                .list(
                    T,
                    Resource::Alerts,
                    &selection,
                    Order::default(),
                    Window::First,
                    10,
                )
                .await
                .unwrap();
            ids(&page.bodies)
        }
    };
    let host = Selection {
        host: Some("pc-megan".into()),
        ..Selection::default()
    };
    assert_eq!(find(host).await, ["a001"]);
    let search = |q: &str| Selection {
        search: Some(q.into()),
        ..Selection::default()
    };
    assert_eq!(find(search("10.0.0.2")).await, ["a002"]);
    assert_eq!(find(search(&format!("{:064x}", 1)[40..])).await, ["a001"]);
    assert_eq!(find(search("contoso alert")).await.len(), 2);
    assert!(find(search("nowhere")).await.is_empty());
    // The host filter reads host names only.
    let not_a_host = Selection {
        host: Some("10.0.0.1".into()),
        ..Selection::default()
    };
    assert!(find(not_a_host).await.is_empty());
}

#[tokio::test]
async fn an_item_is_replaced_only_when_graph_s_json_changed() {
    let first = alert(1, "high", "pc");
    let store = store_with(std::slice::from_ref(&first)).await;
    let again = store
        .put(T, Resource::Alerts, &[Record::alert(&first).unwrap()])
        .await
        .unwrap();
    assert!(again.is_empty(), "the same JSON is no change");
    let mut changed = first.clone();
    changed["status"] = json!("inProgress");
    changed["evidence"] = json!([{"deviceDnsName": "laptop-9"}]);
    let changes = store
        .put(T, Resource::Alerts, &[Record::alert(&changed).unwrap()])
        .await
        .unwrap();
    assert_eq!(changes.len(), 1);
    assert!(changes[0].before.as_deref().unwrap().contains("resolved"));
    assert!(changes[0].after.contains("inProgress"));
    let by_host = |host: &str| Selection {
        host: Some(host.into()),
        ..Selection::default()
    };
    assert_eq!(
        store
            .count(T, Resource::Alerts, &by_host("laptop"))
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        store.count(T, Resource::Alerts, &by_host("pc")).await,
        Err(ReadError::Refused(_))
    ));
    let statuses = Selection {
        statuses: vec!["inProgress".into()],
        ..Selection::default()
    };
    assert_eq!(
        store.count(T, Resource::Alerts, &statuses).await.unwrap(),
        1
    );
    assert_eq!(
        store
            .count("other", Resource::Alerts, &statuses)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_backfill_page_and_where_it_goes_on_are_stored_together() {
    let store = MirrorStore::sqlite(crate::db::in_memory().await.unwrap());
    store
        .start_backfill(T, Resource::Alerts, 1_000)
        .await
        .unwrap();
    let records: Vec<Record> = (0..3)
        .filter_map(|n| Record::alert(&alert(n, "low", "pc")))
        .collect();
    store
        .put_backfill_page(
            T,
            Resource::Alerts,
            &records,
            Some("http://graph/next"),
            Some(10),
        )
        .await
        .unwrap();
    let progress = store.progress(T, Resource::Alerts).await.unwrap();
    assert_eq!(progress.backfill_next.as_deref(), Some("http://graph/next"));
    assert_eq!(
        (progress.backfill_read, progress.backfill_total),
        (3, Some(10))
    );
    assert_eq!(progress.percent(), 30);
    assert!(!progress.backfill_done);
    store
        .finish_backfill(T, Resource::Alerts, 1_000)
        .await
        .unwrap();
    store
        .record_run(T, Resource::Alerts, Some(900), None, "here")
        .await
        .unwrap();
    let done = store.progress(T, Resource::Alerts).await.unwrap();
    assert!(done.backfill_done && done.backfill_next.is_none());
    assert_eq!(done.cursor_ms, Some(1_000), "a cursor never moves back");
    assert_eq!(done.percent(), 100);
}

#[tokio::test]
async fn a_filtered_walk_in_the_filter_s_own_order_reaches_every_match_once() {
    let alerts: Vec<Value> = (0..30).map(|n| alert(n, "high", "pc")).collect();
    let store = store_with(&alerts).await;
    let statuses = |chosen: &[&str]| Selection {
        statuses: chosen.iter().map(|s| s.to_string()).collect(),
        ..Selection::default()
    };
    // One status, and two whose ranks the walk crosses from one to the other.
    for (selection, total) in [
        (statuses(&["new"]), 15),
        (statuses(&["new", "resolved"]), 30),
    ] {
        for ascending in [false, true] {
            let order = Order {
                column: Column::Status,
                ascending,
            };
            let mut seen = Vec::new();
            let mut window = Window::First;
            loop {
                let page = store
                    .list(T, Resource::Alerts, &selection, order, window, 4)
                    .await
                    .unwrap();
                assert_eq!(page.total, total);
                seen.extend(ids(&page.bodies));
                match page.last.filter(|_| page.has_next()) {
                    Some(last) => window = Window::After(last),
                    None => break,
                }
            }
            let distinct: std::collections::HashSet<_> = seen.iter().collect();
            assert_eq!(
                (seen.len(), distinct.len()),
                (total as usize, total as usize),
                "{seen:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_page_link_s_position_cannot_overflow() {
    let store = store_with(&[alert(1, "high", "pc"), alert(2, "low", "pc")]).await;
    let far = Key {
        value: i64::MAX,
        seq: i64::MAX,
        at: u64::MAX,
    };
    for window in [Window::After(far), Window::From(far), Window::Before(far)] {
        let page = store
            .list(
                T,
                Resource::Alerts,
                &Selection::default(),
                Order::default(),
                window,
                5,
            )
            .await
            .unwrap();
        assert!(page.bodies.len() <= 2);
    }
}

#[tokio::test]
async fn a_search_s_pages_follow_each_other_and_see_a_write_at_once() {
    let severities = ["low", "high", "medium", "informational"];
    let alerts: Vec<Value> = (0..23)
        .map(|n| {
            alert(
                n,
                severities[n % 4],
                if n % 3 == 0 { "pc-megan" } else { "srv" },
            )
        })
        .collect();
    let store = store_with(&alerts).await;
    let megan = Selection {
        host: Some("PC-MEG".into()),
        ..Selection::default()
    };
    let order = Order {
        column: Column::Severity,
        ascending: false,
    };
    let walk = |store: MirrorStore, selection: Selection| async move {
        let mut seen = Vec::new();
        let mut window = Window::First;
        loop {
            let page = store
                .list(T, Resource::Alerts, &selection, order, window, 3)
                .await
                .unwrap();
            assert_eq!(page.total, 8, "exact count");
            assert_eq!(page.before as usize, seen.len(), "the page's position");
            seen.extend(ids(&page.bodies));
            if !page.has_next() {
                break;
            }
            window = Window::After(page.last.unwrap());
        }
        seen
    };
    let seen = walk(store.clone(), megan.clone()).await;
    let expected: Vec<String> = (0..23)
        .filter(|n| n % 3 == 0)
        .map(|n| format!("a{n:03}"))
        .collect();
    assert_eq!(
        seen.iter().collect::<std::collections::BTreeSet<_>>(),
        expected.iter().collect(),
        "every match once"
    );
    assert_eq!(seen.len(), 8);
    // A write moves the search on: the alert that left the host is no longer found.
    let mut moved = alerts[0].clone();
    moved["evidence"] = json!([{"deviceDnsName": "laptop-9"}]);
    store
        .put(T, Resource::Alerts, &[Record::alert(&moved).unwrap()])
        .await
        .unwrap();
    let page = store
        .list(T, Resource::Alerts, &megan, order, Window::First, 50)
        .await
        .unwrap();
    assert_eq!(page.total, 7);
    assert!(!ids(&page.bodies).contains(&"a000".to_string()));
}
