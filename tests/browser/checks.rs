//! Checks every page passes: a title of its own, a label on every form control, one main
//! heading, navigation that marks where the user is, and nothing wider than the window.

use serde_json::Value;

use crate::browser::Session;

/// Runs in the page; returns a list of problems (empty when the page is fine).
const PAGE_CHECKS: &str = r#"
const problems = [];
const title = document.title.trim();
if (!/^\S.* · graphsec$/.test(title)) problems.push(`title ${JSON.stringify(title)} does not name the page`);
const controls = document.querySelectorAll('input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea');
for (const c of controls) {
  const labelled = (c.labels && [...c.labels].some(l => l.textContent.trim() !== ''))
    || (c.getAttribute('aria-label') || '').trim() !== ''
    || (c.getAttribute('aria-labelledby') || '').trim() !== '';
  if (!labelled) problems.push(`unlabelled control: ${c.outerHTML.slice(0, 120)}`);
}
const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
if (dupes.length) problems.push(`duplicate ids: ${[...new Set(dupes)].join(', ')}`);
const h1s = document.querySelectorAll('h1').length;
if (h1s !== 1) problems.push(`${h1s} h1 headings (expected one)`);
if (!document.querySelector('nav[aria-label="Main navigation"]')) problems.push('no main navigation');
const path = location.pathname;
const links = [...document.querySelectorAll('#main-nav .nav-link')];
const here = links
  .filter(a => { const p = new URL(a.href).pathname; return p === path || (p !== '/' && path.startsWith(p + '/')); })
  .sort((a, b) => b.pathname.length - a.pathname.length)[0];
const current = links.filter(a => a.getAttribute('aria-current') === 'page');
if (here && current[0] !== here) problems.push(`navigation does not mark ${here.pathname} as the current page`);
if (current.length > 1) problems.push('several navigation entries marked current');
if (document.documentElement.scrollWidth > window.innerWidth)
  problems.push(`wider than the window: ${document.documentElement.scrollWidth}px in ${window.innerWidth}px`);
return problems;
"#;

impl Session {
    /// Asserts the page is usable: see the module documentation.
    pub async fn assert_usable_page(&self) {
        let problems = self.client.execute(PAGE_CHECKS, vec![]).await.unwrap();
        assert_eq!(
            problems,
            Value::Array(vec![]),
            "page problems on {}",
            self.current_url().await
        );
    }

    /// Resizes the browser window so the page's viewport is `width` CSS pixels wide.
    pub async fn set_viewport_width(&self, width: u32) {
        let (outer, _) = self.client.get_window_size().await.unwrap();
        let inner = self
            .client
            .execute("return window.innerWidth;", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap();
        let frame = outer.saturating_sub(inner) as u32;
        self.client
            .set_window_size(width + frame, 900)
            .await
            .unwrap();
        let actual = self
            .client
            .execute("return window.innerWidth;", vec![])
            .await
            .unwrap();
        assert_eq!(actual, Value::from(width), "could not size the viewport");
    }

    /// Resizes the browser window so the page's viewport is `width` × `height` CSS pixels.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        let (outer_w, outer_h) = self.client.get_window_size().await.unwrap();
        let inner = self
            .client
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await
            .unwrap();
        let frame_w = outer_w.saturating_sub(inner[0].as_u64().unwrap()) as u32;
        let frame_h = outer_h.saturating_sub(inner[1].as_u64().unwrap()) as u32;
        self.client
            .set_window_size(width + frame_w, height + frame_h)
            .await
            .unwrap();
    }
}
