//! Fewer, fuller writes to each open stream. Every write to a connection costs a system call
//! and a wake-up of the browser, whatever its size; with a thousand viewers that cost, not the
//! bytes, is what limits the live view. So the frames ready at once leave in one write, and a
//! frame that may wait (a summary filling in a row already shown) waits a moment for the next
//! one that may not.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::Stream;
use tokio::time::{Instant, Sleep, sleep};

/// One frame of a stream, and whether it must leave now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// Leaves as soon as nothing else is ready (a notification, a greeting, a keep-alive).
    Now(Bytes),
    /// May wait up to [`MAY_WAIT`] for a frame that leaves now (a summary update).
    Later(Bytes),
}

/// The longest a [`Frame::Later`] waits.
pub const MAY_WAIT: Duration = Duration::from_millis(100);

/// Past this many bytes held, they leave at once.
const MOST_HELD: usize = 64 * 1024;

/// `frames` as chunks of whole frames, in order.
pub fn coalesce(
    frames: impl Stream<Item = Frame> + Send + 'static,
) -> impl Stream<Item = Bytes> + Send + 'static {
    Coalesce {
        frames: Box::pin(frames),
        held: Vec::new(),
        held_bytes: 0,
        urgent: false,
        deadline: Box::pin(sleep(Duration::ZERO)),
        ended: false,
    }
}

struct Coalesce {
    frames: Pin<Box<dyn Stream<Item = Frame> + Send>>,
    held: Vec<Bytes>,
    held_bytes: usize,
    /// `held` has a frame that leaves now.
    urgent: bool,
    /// When what is held leaves at the latest (set by the first frame held).
    deadline: Pin<Box<Sleep>>,
    ended: bool,
}

impl Coalesce {
    fn hold(&mut self, bytes: Bytes) {
        self.held_bytes += bytes.len();
        self.held.push(bytes);
    }

    /// What is held, as one chunk: a lone frame as it is, several copied into one.
    fn release(&mut self) -> Bytes {
        self.urgent = false;
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
                Poll::Ready(Some(Frame::Now(bytes))) => {
                    this.hold(bytes);
                    this.urgent = true;
                }
                Poll::Ready(Some(Frame::Later(bytes))) => {
                    if this.held.is_empty() {
                        this.deadline.as_mut().reset(Instant::now() + MAY_WAIT);
                    }
                    this.hold(bytes);
                }
                Poll::Ready(None) => this.ended = true,
                Poll::Pending => break,
            }
        }
        if this.held.is_empty() {
            return if this.ended {
                Poll::Ready(None)
            } else {
                Poll::Pending
            };
        }
        let due = this.urgent
            || this.ended
            || this.held_bytes >= MOST_HELD
            || this.deadline.as_mut().poll(cx).is_ready();
        if due {
            Poll::Ready(Some(this.release()))
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests;
