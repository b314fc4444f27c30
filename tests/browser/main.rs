//! Browser tests: Debian's headless Chromium driven through chromedriver (WebDriver), against the
//! app and the sandbox tenant on port 0. Every page visited is checked for console errors
//! (CSP violations included), broken resources and requests to other hosts.

mod accessibility;
mod actions;
mod alerts_density;
mod alerts_filter;
mod alerts_manage;
mod axe;
mod browser;
mod bulk;
mod checks;
mod errors;
mod focus;
mod incidents_manage;
mod layout;
mod notify_live;
mod sandbox_data;
mod screen_reader;
mod secure_score;
mod sign_in;
