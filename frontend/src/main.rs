//! The full SPA bundle: every page (see the crate's lib for the desk bundle's counterpart).

fn main() {
    emhana_web::start_full();
}
