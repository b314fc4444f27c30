//! Fewer, fuller writes to each open stream. Every write to a connection costs a system call
//! and a wake-up of the browser, whatever its size; with a thousand viewers that cost, not the
//! bytes, is what limits the live view. So the frames ready at once leave in one write. (A
//! summary update is held back at its source until the next notification goes out, so the two
//! are ready together: `storage/updates.rs`.)

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures::Stream;

/// Past this many bytes gathered, they leave at once.
const MOST_HELD: usize = 64 * 1024;

/// `frames` as chunks of whole frames, in order: each chunk is every frame that was ready.
pub fn coalesce(
    frames: impl Stream<Item = Bytes> + Send + 'static,
) -> impl Stream<Item = Bytes> + Send + 'static {
    Coalesce {
        frames: Box::pin(frames),
        held: Vec::new(),
        held_bytes: 0,
        ended: false,
    }
}

struct Coalesce {
    frames: Pin<Box<dyn Stream<Item = Bytes> + Send>>,
    held: Vec<Bytes>,
    held_bytes: usize,
    ended: bool,
}

impl Coalesce {
    /// What is held, as one chunk: a lone frame as it is, several copied into one.
    fn release(&mut self) -> Bytes {
        self.held_bytes = 0;
        if self.held.len() == 1 {
            return self.held.pop().unwrap_or_default();
        }
        let mut chunk = BytesMut::with_capacity(self.held.iter().map(Bytes::len).sum());
        for frame in self.held.drain(..) {
            chunk.extend_from_slice(&frame);
        }
        chunk.freeze()
    }
}

impl Stream for Coalesce {
    type Item = Bytes;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        let this = self.get_mut();
        while !this.ended && this.held_bytes < MOST_HELD {
            match this.frames.as_mut().poll_next(cx) {
                Poll::Ready(Some(frame)) => {
                    this.held_bytes += frame.len();
                    this.held.push(frame);
                }
                Poll::Ready(None) => this.ended = true,
                Poll::Pending => break,
            }
        }
        match (this.held.is_empty(), this.ended) {
            (false, _) => Poll::Ready(Some(this.release())),
            (true, true) => Poll::Ready(None),
            (true, false) => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests;
