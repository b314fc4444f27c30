use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;

use super::*;

fn channel() -> (
    mpsc::UnboundedSender<Bytes>,
    impl Stream<Item = Bytes> + Unpin,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    (tx, Box::pin(coalesce(UnboundedReceiverStream::new(rx))))
}

#[tokio::test]
async fn frames_ready_at_once_leave_in_one_write_in_order() {
    let (tx, mut chunks) = channel();
    for frame in ["a", "b", "c"] {
        tx.send(Bytes::from_static(frame.as_bytes())).unwrap();
    }
    assert_eq!(chunks.next().await.unwrap(), "abc");
    tx.send(Bytes::from_static(b"d")).unwrap();
    assert_eq!(
        chunks.next().await.unwrap(),
        "d",
        "later ones leave on their own"
    );
}

#[tokio::test]
async fn a_lone_frame_leaves_at_once_as_it_is() {
    let (tx, mut chunks) = channel();
    let frame = Bytes::from_static(b"event: notification\n\n");
    tx.send(frame.clone()).unwrap();
    let sent = chunks.next().await.unwrap();
    assert_eq!(sent.as_ptr(), frame.as_ptr(), "not copied");
}

#[tokio::test]
async fn the_end_sends_what_is_held_then_ends() {
    let (tx, mut chunks) = channel();
    tx.send(Bytes::from_static(b"s")).unwrap();
    drop(tx);
    assert_eq!(chunks.next().await.unwrap(), "s");
    assert_eq!(chunks.next().await, None);
}

#[tokio::test]
async fn a_large_backlog_leaves_in_bounded_chunks() {
    let (tx, mut chunks) = channel();
    let frame = Bytes::from(vec![b'x'; 1000]);
    for _ in 0..200 {
        tx.send(frame.clone()).unwrap();
    }
    drop(tx);
    let mut sizes = Vec::new();
    while let Some(chunk) = chunks.next().await {
        sizes.push(chunk.len());
    }
    assert_eq!(sizes.iter().sum::<usize>(), 200_000);
    assert!(sizes.len() > 1, "{sizes:?}");
    assert!(sizes.iter().all(|s| *s <= MOST_HELD + 1000), "{sizes:?}");
}
