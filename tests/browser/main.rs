//! Browser tests: Debian's headless Chromium driven through chromedriver (WebDriver), against the
//! app and the sandbox tenant on port 0. Every page visited is checked for console errors
//! (CSP violations included), broken resources and requests to other hosts.

mod browser;
mod sign_in;
