//! Writes `ui/src/bindings.ts` from the Rust IPC types.

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join(reqlink_domain::bindings::BINDINGS_PATH);
    std::fs::create_dir_all(path.parent().expect("bindings path has a parent"))
        .expect("creating ui/src");
    std::fs::write(&path, reqlink_domain::bindings::typescript()).expect("writing bindings");
    println!("wrote {}", path.display());
}
