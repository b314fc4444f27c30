//! The alert list as people read it: labels not API spellings, times with their exact UTC on
//! hover, the REST query below the table, and the page size remembered for the session.

use graphsec::config::AlertsApiKind;

use crate::alerts_support::*;
use crate::helpers::select_attr;

#[tokio::test]
async fn the_list_speaks_words_and_keeps_api_values_out_of_sight() {
    for api in APIS {
        let app = signed_in(api).await;
        let (status, html) = app.get_html("/alerts?top=20").await;
        assert_eq!(status, 200);
        let table = text_of(&html, "#alerts-table");
        for spelling in ["inProgress", "newAlert", "microsoftDefenderFor"] {
            assert!(!table.contains(spelling), "{api:?}: {spelling} shown");
        }
        assert!(table.contains("In progress"), "{api:?}");
        let hover = select_attr(&html, "#alerts-table time", "title").unwrap();
        assert!(hover.ends_with(" UTC"), "{hover}");
        let table_at = html.find("id=\"alerts-table\"").unwrap();
        let query_at = html.find("id=\"rest-query\"").unwrap();
        assert!(query_at > table_at, "the REST query comes after the table");
    }
}

#[tokio::test]
async fn the_last_page_size_chosen_is_remembered_for_the_session() {
    let app = signed_in(AlertsApiKind::V2).await;
    let (_, html) = app.get_html("/alerts").await;
    assert_eq!(row_ids(&html).len(), 20, "twenty by default");
    app.get_html("/alerts?top=5").await;
    let (_, html) = app.get_html("/alerts?severity=high").await;
    assert_eq!(
        select_attr(&html, "#top option[selected]", "value").as_deref(),
        Some("5")
    );
    assert!(row_ids(&html).len() <= 5);
    let (_, html) = app.get_html("/alerts?top=100").await;
    assert_eq!(
        select_attr(&html, "#top option[selected]", "value").as_deref(),
        Some("100")
    );
}
