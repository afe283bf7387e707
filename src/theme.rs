//! The default theme compiled into the binary (see `build.rs`): used when a
//! site folder has no `themes/default/` of its own.

include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));
