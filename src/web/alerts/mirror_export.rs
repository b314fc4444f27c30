//! The alert exports from the mirror: every matching alert in the list's order, read a thousand
//! at a time by key and streamed, up to [`MAX_MIRROR_EXPORT`].

use axum::body::{Body, Bytes};
use futures::stream::{self, StreamExt};
use serde_json::value::RawValue;

use super::export_format::Format;
use crate::alerts::row::Shape;
use crate::alerts::row_reader;
use crate::sync::Mirror;
use crate::sync::selection::{Order, Selection, Window};
use crate::sync::store::Resource;

/// The most alerts one export from the mirror holds.
pub const MAX_MIRROR_EXPORT: usize = 100_000;
const CHUNK: u32 = 1_000;

struct Cursor {
    mirror: Mirror,
    tenant: String,
    selection: Selection,
    order: Order,
    window: Option<Window>,
    written: usize,
    format: Format,
}

pub(super) fn body(
    mirror: Mirror,
    tenant: String,
    selection: Selection,
    order: Order,
    format: Format,
) -> Body {
    let opening = format.opening();
    let closing = format.closing();
    let cursor = Cursor {
        mirror,
        tenant,
        selection,
        order,
        window: Some(Window::First),
        written: 0,
        format,
    };
    let chunks = stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(opening)) })
        .chain(stream::unfold(cursor, next_chunk))
        .chain(stream::once(async move {
            Ok(Bytes::from_static(closing.as_bytes()))
        }));
    Body::from_stream(chunks)
}

async fn next_chunk(mut cursor: Cursor) -> Option<(Result<Bytes, std::io::Error>, Cursor)> {
    let window = cursor.window.take()?;
    let room = (MAX_MIRROR_EXPORT - cursor.written).min(CHUNK as usize) as u32;
    if room == 0 {
        return None;
    }
    let listed = cursor
        .mirror
        .store()
        .list(
            &cursor.tenant,
            Resource::Alerts,
            &cursor.selection,
            cursor.order,
            window,
            room,
        )
        .await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(error) => {
            tracing::warn!(%error, "export stopped: the mirror could not be read");
            return Some((
                Err(std::io::Error::other("the mirror could not be read")),
                cursor,
            ));
        }
    };
    let mut text = String::new();
    for body in &listed.bodies {
        let row = || {
            RawValue::from_string(body.clone())
                .map(|raw| row_reader::row(Shape::V2, &raw))
                .unwrap_or_default()
        };
        cursor
            .format
            .push(&mut text, body, row, cursor.written == 0);
        cursor.written += 1;
    }
    cursor.window = listed.last.filter(|_| listed.has_next()).map(Window::After);
    Some((Ok(Bytes::from(text)), cursor))
}
