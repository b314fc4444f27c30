//! The page by keyboard alone: Tab from the top to the end, and at each stop a focus ring one
//! can see (a solid outline of 2 px or more, at 3:1 against what is behind it); at the end,
//! every visible link, button and field has been reached. Form controls' edges are checked at
//! 3:1 on the way, and text faded with opacity at 4.5:1.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use serde_json::Value;

use crate::browser::Session;

/// WebDriver's Tab key.
const TAB: char = '\u{E004}';

/// Stops a walk that never returns to the page's start.
const MOST_STOPS: usize = 400;

/// Colour maths shared by the checks below: WCAG's relative luminance and contrast ratio, and
/// the opaque colour behind an element.
const COLOUR: &str = r#"
const rgba = c => { const m = c.match(/[\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const behind = el => { for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
  if (c[3] >= 0.5) return c; } return [255, 255, 255, 1]; };
const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
  (el.textContent.trim() ? ` "${el.textContent.trim().slice(0, 40)}"` : '');
"#;

/// The element focused now: `null` when focus is back on the page itself, else its name and
/// what is wrong with its focus ring (empty when nothing). Marks it as reached.
const FOCUSED: &str = r#"
const el = document.activeElement;
if (!el || el === document.body || el === document.documentElement) return null;
// Back at the first stop: the walk went round. A field of several parts (a date) is one
// element reached several times in a row.
if (el.dataset.keyboardReached) return { name: name(el), again: el.dataset.keyboardReached === 'first', problem: '' };
el.dataset.keyboardReached = document.querySelector('[data-keyboard-reached]') ? '1' : 'first';
const s = getComputedStyle(el);
const width = parseFloat(s.outlineWidth) || 0;
let problem = '';
if (s.outlineStyle === 'none' || width < 2) problem = `no focus ring (outline ${s.outlineStyle} ${s.outlineWidth})`;
else { const r = ratio(rgba(s.outlineColor), behind(el.parentElement));
  if (r < 3) problem = `focus ring at ${r.toFixed(2)}:1`; }
const box = el.getBoundingClientRect();
if (box.width === 0 || box.height === 0) problem = 'focused but not shown';
return { name: name(el), again: false, problem };
"#;

/// Visible controls the walk did not reach (radio buttons count once per group), form controls
/// whose edge is below 3:1 against what is behind them, and text faded below 4.5:1.
const LEFT_OVER: &str = r#"
const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const problems = [];
const reachedGroups = new Set([...document.querySelectorAll('input[type=radio][data-keyboard-reached]')].map(r => r.name));
for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
  if (!shown(el) || el.disabled || el.closest('[inert], details:not([open]) > :not(summary)')) continue;
  if (el.type === 'radio' && reachedGroups.has(el.name)) continue;
  if (!el.dataset.keyboardReached) problems.push(`not reached by Tab: ${name(el)}`);
}
for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea')) {
  if (!shown(el) || el.checked || el.indeterminate) continue;
  const r = ratio(rgba(getComputedStyle(el).borderTopColor), behind(el.parentElement));
  if (r < 3) problems.push(`edge at ${r.toFixed(2)}:1: ${name(el)}`);
}
// Text faded with opacity (axe leaves it out): its colours blended with what is behind it.
for (const el of document.querySelectorAll('body *')) {
  const op = parseFloat(getComputedStyle(el).opacity);
  if (op >= 1 || !shown(el) || el.disabled || !el.textContent.trim()) continue;
  const under = behind(el.parentElement);
  const mix = c => c.slice(0, 3).map((v, i) => op * v + (1 - op) * under[i]);
  const own = rgba(getComputedStyle(el).backgroundColor);
  const r = ratio(mix(rgba(getComputedStyle(el).color)), own[3] >= 0.5 ? mix(own) : under);
  if (r < 4.5) problems.push(`text faded to ${r.toFixed(2)}:1: ${name(el)}`);
}
document.querySelectorAll('[data-keyboard-reached]').forEach(e => delete e.dataset.keyboardReached);
return problems;
"#;

impl Session {
    /// Presses Tab, as a keyboard user does to move on.
    pub async fn press_tab(&self) {
        let tab = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: TAB })
            .then(KeyAction::Up { value: TAB });
        self.client.perform_actions(tab).await.unwrap();
    }

    /// Walks a freshly loaded page with Tab from its top; returns what is wrong (empty when
    /// nothing).
    pub async fn keyboard_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for stop in 0..MOST_STOPS {
            self.press_tab().await;
            let focused = self
                .client
                .execute(&format!("{COLOUR}{FOCUSED}"), vec![])
                .await
                .unwrap();
            match focused {
                Value::Null if stop > 0 => break,
                Value::Null => continue,
                ref f if f["again"] == Value::Bool(true) => break,
                ref f => {
                    let problem = f["problem"].as_str().unwrap_or_default();
                    if !problem.is_empty() {
                        problems.push(format!("{}: {problem}", f["name"].as_str().unwrap_or("?")));
                    }
                }
            }
        }
        let left = self
            .client
            .execute(&format!("{COLOUR}{LEFT_OVER}"), vec![])
            .await
            .unwrap();
        problems.extend(
            left.as_array()
                .into_iter()
                .flatten()
                .map(|p| p.as_str().unwrap_or_default().to_string()),
        );
        problems
    }
}
