//! HTTP-level tests: the sandbox on port 0, driven with reqwest as the app would.
