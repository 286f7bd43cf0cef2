//! Rebuild when a scaffold changes: they are embedded with `include_dir!`.

fn main() {
    println!("cargo:rerun-if-changed=scaffolds");
}
