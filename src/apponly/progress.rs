//! A progress line on stderr while pages arrive, redrawn in place on a terminal.

use std::io::{IsTerminal, Write};

#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    in_place: bool,
    drawn: bool,
}

impl Progress {
    /// Progress on stderr; redrawn in place when stderr is a terminal, one line per page otherwise.
    pub fn stderr() -> Self {
        Self {
            enabled: true,
            in_place: std::io::stderr().is_terminal(),
            drawn: false,
        }
    }

    /// No output at all (library use and unit tests).
    pub fn silent() -> Self {
        Self {
            enabled: false,
            in_place: false,
            drawn: false,
        }
    }

    pub fn page(&mut self, pages: usize, items: usize) {
        let plural = if pages == 1 { "" } else { "s" };
        self.line(&format!(
            "fetched {pages} page{plural}, {items} incidents so far"
        ));
    }

    /// A message that must stay visible (e.g. a throttling wait).
    pub fn note(&mut self, message: &str) {
        if !self.enabled {
            return;
        }
        self.finish();
        eprintln!("{message}");
    }

    /// Ends an in-place line so that later output starts on a fresh line.
    pub fn finish(&mut self) {
        if self.enabled && self.in_place && self.drawn {
            eprintln!();
        }
        self.drawn = false;
    }

    fn line(&mut self, text: &str) {
        if !self.enabled {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = if self.in_place {
            write!(err, "\r\x1b[2K{text}")
        } else {
            writeln!(err, "{text}")
        };
        let _ = err.flush();
        self.drawn = true;
    }
}
