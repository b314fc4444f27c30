//! The router as a connection's service: marks each request as answered from its head until
//! its response body ends, and bounds the pauses inside a request body.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::{Request, Response};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use tower::Service as _;
use tower_http::timeout::TimeoutBody;

use super::activity::Activity;

#[derive(Clone)]
pub struct Tracked {
    pub router: Router,
    pub activity: Arc<Activity>,
    /// The longest pause between two parts of a request body.
    pub body_pause: Duration,
}

impl hyper::service::Service<Request<Incoming>> for Tracked {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let answering = Answering::begin(Arc::clone(&self.activity));
        let pause = self.body_pause;
        let request = request.map(|body| Body::new(TimeoutBody::new(pause, body)));
        let answer = self.router.clone().call(request);
        Box::pin(async move {
            let response = answer.await?;
            Ok(response.map(|body| {
                Body::new(Finishing {
                    body,
                    _answering: answering,
                })
            }))
        })
    }
}

/// A request being answered; finished when dropped (its response body ended or was abandoned).
struct Answering(Arc<Activity>);

impl Answering {
    fn begin(activity: Arc<Activity>) -> Self {
        activity.request_started();
        Self(activity)
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

/// A response body that holds its request's [`Answering`] until it ends.
struct Finishing {
    body: Body,
    _answering: Answering,
}

impl HttpBody for Finishing {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
