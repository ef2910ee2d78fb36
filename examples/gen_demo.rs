//! Regenerates `fixtures/demo.json` from the deterministic demo generator: `cargo run --example gen_demo`.

use std::path::Path;

use ctxlens::demo::generator::{generate_demo, to_pretty_json};

fn main() -> std::io::Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("demo.json");
    let json = to_pretty_json(&generate_demo());
    std::fs::write(&path, &json)?;
    println!("wrote {} ({} bytes)", path.display(), json.len());
    Ok(())
}
