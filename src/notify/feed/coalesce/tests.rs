use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout};
use tokio_stream::wrappers::UnboundedReceiverStream;

use super::*;

fn now(text: &'static str) -> Frame {
    Frame::Now(Bytes::from_static(text.as_bytes()))
}

fn later(text: &'static str) -> Frame {
    Frame::Later(Bytes::from_static(text.as_bytes()))
}

fn channel() -> (
    mpsc::UnboundedSender<Frame>,
    impl Stream<Item = Bytes> + Unpin,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    (tx, Box::pin(coalesce(UnboundedReceiverStream::new(rx))))
}

#[tokio::test(start_paused = true)]
async fn frames_ready_at_once_leave_in_one_write_in_order() {
    let (tx, mut chunks) = channel();
    for frame in [now("a"), later("b"), now("c")] {
        tx.send(frame).unwrap();
    }
    assert_eq!(chunks.next().await.unwrap(), "abc");
}

#[tokio::test(start_paused = true)]
async fn a_lone_frame_leaves_at_once_as_it_is() {
    let (tx, mut chunks) = channel();
    let frame = Bytes::from_static(b"event: notification\n\n");
    tx.send(Frame::Now(frame.clone())).unwrap();
    let sent = chunks.next().await.unwrap();
    assert_eq!(sent.as_ptr(), frame.as_ptr(), "not copied");
}

#[tokio::test(start_paused = true)]
async fn a_summary_waits_for_the_next_notification() {
    let (tx, mut chunks) = channel();
    tx.send(later("s")).unwrap();
    let early = timeout(MAY_WAIT / 2, chunks.next()).await;
    assert!(early.is_err(), "sent before anything urged it: {early:?}");
    tx.send(now("n")).unwrap();
    assert_eq!(chunks.next().await.unwrap(), "sn");
}

#[tokio::test(start_paused = true)]
async fn a_summary_alone_leaves_when_it_has_waited_long_enough() {
    let (tx, mut chunks) = channel();
    let start = Instant::now();
    tx.send(later("s")).unwrap();
    assert_eq!(chunks.next().await.unwrap(), "s");
    assert_eq!(start.elapsed(), MAY_WAIT);
}

#[tokio::test(start_paused = true)]
async fn the_end_sends_what_is_held_then_ends() {
    let (tx, mut chunks) = channel();
    tx.send(later("s")).unwrap();
    drop(tx);
    assert_eq!(chunks.next().await.unwrap(), "s");
    assert_eq!(chunks.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn a_large_backlog_leaves_in_bounded_chunks() {
    let (tx, mut chunks) = channel();
    let frame = Bytes::from(vec![b'x'; 1000]);
    for _ in 0..200 {
        tx.send(Frame::Now(frame.clone())).unwrap();
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
