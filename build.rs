//! Rebuilds the crate when anything under `static/` changes, files added included: the assets are
//! embedded at compile time, and rust-embed alone tracks only the files it read last time.

fn main() {
    println!("cargo:rerun-if-changed=static");
}
