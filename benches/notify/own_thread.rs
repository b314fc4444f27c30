//! The bench's own servers (the references, the canned Graph) each run on a thread and
//! runtime of their own, so their work is not scheduled among the load generator's tasks.

use axum::Router;

/// Binds a free loopback port, builds the router for its base URL (`app`), and serves it on a
/// new thread with `workers` runtime threads (the runtime's default when `None`); returns the
/// base URL.
pub fn serve(
    name: &'static str,
    workers: Option<usize>,
    app: impl FnOnce(&str) -> Router,
) -> anyhow::Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let url = format!("http://{}", listener.local_addr()?);
    let app = app(&url);
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let mut runtime = tokio::runtime::Builder::new_multi_thread();
            if let Some(workers) = workers {
                runtime.worker_threads(workers);
            }
            let runtime = runtime.enable_all().build().expect("a runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                axum::serve(listener, app.into_make_service())
                    .await
                    .expect("serves");
            });
        })?;
    Ok(url)
}
